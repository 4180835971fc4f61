import type { CompareConfig } from './config.ts';
import type { MatrixRow } from './matrix.ts';
import type { SystemResult } from './run.ts';

/** results.json: everything a report, the dashboard or a script needs. */
export interface RunResults {
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
