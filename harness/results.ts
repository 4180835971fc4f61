import type { CompareConfig } from './config.ts';
import { type MatrixRow, OBSERVED } from './matrix.ts';
import type { SystemResult } from './run.ts';

/**
 * The version of results.json's format; its JSON Schema is
 * docs/results.schema.json (npm run schema writes it from RunResults). A
 * change that removes or retypes a field raises it.
 */
export const RESULTS_VERSION = 1;

/** results.json: everything a report, the dashboard or a script needs. */
export interface RunResults {
  /** The format's version (absent from runs before it was versioned). */
  resultsVersion?: typeof RESULTS_VERSION;
  id: string;
  faultline: string;
  startedAt: string;
  finishedAt: string;
  /** incomplete: interrupted, or a system could not finish. */
  status: 'complete' | 'incomplete';
  interrupted?: string;
  config: CompareConfig;
  systems: SystemResult[];
  /** One row per system and configuration (harness/matrix.ts). */
  matrix: MatrixRow[];
}

/**
 * A saved results.json, read: a run saved before a matrix cell existed
 * gets that cell as "not in this results.json", so reports, comparisons
 * and the dashboard can show any run of this format version.
 */
export function parseResults(text: string): RunResults {
  const results = JSON.parse(text) as RunResults;
  for (const row of results.matrix ?? []) {
    for (const cell of OBSERVED) {
      row.observed[cell] ??= {
        value: "– (not in this run's results.json: it predates the cell)",
        tone: 'unknown',
        evidence: [],
      };
    }
  }
  return results;
}
