import type { History } from '../../core/op-table.ts';

export type Validity = true | false | 'unknown';

/** A checker's verdict, with counts and example ops as evidence. */
export interface CheckResult {
  valid: Validity;
  /**
   * The check does not apply to this system (convergence on a system that
   * cannot read one replica's copy): why. Such a result is shown as "not
   * measured" and never touches the verdict.
   */
  notMeasured?: string;
  /** Why the verdict is unknown, when the history cannot answer (no final reads). */
  reason?: string;
  /** A search that ran out of budget or an error inside the checker. */
  error?: string;
}

/** A history as ops or as its table (the key-value checkers read the columns). */
export type Checker<R extends CheckResult = CheckResult> = (
  history: History,
  options?: Record<string, unknown>,
) => R;

/** Reads that missed an acknowledged write, as the set and staleness checkers count them. */
export interface StaleCounts {
  /** Reads during the run (not the final ones). */
  reads: number;
  staleReads: number;
  staleReadsHealthy: number;
  staleReadsDuringFaults: number;
}

/** An op as a result quotes it: the fields a person reads. */
export type BriefOp = Record<string, unknown> & { index?: number };

/**
 * A system's verdict from its checkers' results: invalid when one found
 * something wrong, unknown only when a check that applies could not be
 * completed; checks that do not apply are left out.
 */
export function verdict(results: readonly CheckResult[]): Validity {
  return combine(results.filter((r) => !r.notMeasured).map((r) => r.valid));
}

/** false beats unknown beats true. */
export function combine(validities: Validity[]): Validity {
  if (validities.includes(false)) return false;
  if (validities.includes('unknown')) return 'unknown';
  return true;
}
