import type { MatrixRow, Observed, Tone } from './matrix.ts';
import { OBSERVED } from './matrix.ts';
import type { RunResults } from './results.ts';

/**
 * The verdicts a scheduled chaos run is held to: per system,
 * configuration, workload and faults, the tone of every observed matrix
 * cell. Written from runs on purpose by a person (`faultline baseline
 * --write`), kept in the repository, and compared against each new run
 * (`--check`), so a verdict that changes fails the job rather than
 * passing unnoticed. Values (counts, rates) are left out: they vary from
 * run to run; the verdict does not.
 */
export interface Baseline {
  version: 1;
  verdicts: Record<string, Partial<Record<Observed, Tone>>>;
}

export interface VerdictChange {
  key: string;
  cell: Observed;
  was: Tone;
  now: Tone;
  /** The cell's words now, to say what changed. */
  value: string;
}

/** What the verdicts of a row are filed under: it and the conditions it ran in. */
export function baselineKey(run: RunResults, row: MatrixRow): string {
  const faults = run.config.nemesis.join(',') || 'none';
  return `${row.system} · ${row.configuration} · ${run.config.workload} · ${faults}`;
}

/** The verdicts of runs, merged over an earlier baseline (a row run again replaces its entry). */
export function baselineOf(runs: readonly RunResults[], over?: Baseline): Baseline {
  const verdicts = { ...(over?.verdicts ?? {}) };
  for (const run of runs)
    for (const row of run.matrix)
      verdicts[baselineKey(run, row)] = Object.fromEntries(
        OBSERVED.map((cell) => [cell, row.observed[cell].tone]),
      );
  return {
    version: 1,
    verdicts: Object.fromEntries(Object.entries(verdicts).sort(([a], [b]) => a.localeCompare(b))),
  };
}

/**
 * Cells whose verdict differs from the baseline's. A row the baseline
 * does not hold is new, not changed (`unknown` lists it); a cell that
 * became `unknown` (the run could not measure it) is a change too.
 */
export function changesFrom(
  baseline: Baseline,
  runs: readonly RunResults[],
): { changes: VerdictChange[]; unknown: string[] } {
  const changes: VerdictChange[] = [];
  const unknown: string[] = [];
  for (const run of runs) {
    for (const row of run.matrix) {
      const key = baselineKey(run, row);
      const was = baseline.verdicts[key];
      if (!was) {
        unknown.push(key);
        continue;
      }
      for (const cell of OBSERVED) {
        const before = was[cell];
        const now = row.observed[cell].tone;
        if (before !== undefined && before !== now)
          changes.push({ key, cell, was: before, now, value: row.observed[cell].value });
      }
    }
  }
  return { changes, unknown };
}

/** A baseline file's content, or a one-line reason it is not one. */
export function parseBaseline(text: string): Baseline {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new Error(`not JSON: ${(error as Error).message}`);
  }
  const b = data as Partial<Baseline>;
  if (b?.version !== 1 || typeof b.verdicts !== 'object' || b.verdicts === null)
    throw new Error(
      'not a faultline baseline (version 1, verdicts); write one with faultline baseline --write',
    );
  return b as Baseline;
}
