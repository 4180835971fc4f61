import { createGenerator } from 'ts-json-schema-generator';
import { RESULTS_VERSION } from './results.ts';

/** Where the schema is kept, from the repository's root. */
export const RESULTS_SCHEMA_PATH = 'docs/results.schema.json';

/**
 * results.json's JSON Schema, generated from the RunResults type and its
 * comments (each field's comment becomes its description), so the schema
 * cannot drift from what the harness writes: a unit test compares the kept
 * file with a fresh generation.
 */
export function resultsSchemaText(): string {
  const schema = createGenerator({
    path: new URL('./results.ts', import.meta.url).pathname,
    tsconfig: new URL('../tsconfig.json', import.meta.url).pathname,
    type: 'RunResults',
    topRef: false,
    skipTypeCheck: true,
  }).createSchema('RunResults');
  const versioned = {
    $schema: schema.$schema,
    $id: `faultline/results/v${RESULTS_VERSION}`,
    title: `faultline results.json, version ${RESULTS_VERSION}`,
    ...schema,
  };
  return `${JSON.stringify(versioned, null, 2)}\n`;
}
