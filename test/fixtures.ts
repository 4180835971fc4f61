import { readFileSync } from 'node:fs';
import type { RunResults } from '../harness/results.ts';

/**
 * The results.json of a real run (the built-in store, write-heavy, a
 * partition and a kill, 8 s): the fixed input of the report's, the
 * dashboard's and junit's unit tests. A fresh copy each call, to modify.
 */
export function resultsFixture(): RunResults {
  return JSON.parse(
    readFileSync(new URL('./fixtures/results-dynamo-write-heavy.json', import.meta.url), 'utf8'),
  ) as RunResults;
}
