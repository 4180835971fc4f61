import type { Op } from '../../core/history.ts';
import { opsOf } from '../../core/op-table.ts';
import { type AvailabilityResult, checkAvailability } from './availability.ts';
import { type BankResult, checkBank } from './bank.ts';
import { type ConflictsResult, checkConflicts } from './conflicts.ts';
import { type ConvergenceResult, checkConvergence } from './convergence.ts';
import { type CounterResult, checkCounter } from './counter.ts';
import { checkListAppend, type ListAppendResult } from './elle/list-append.ts';
import { checkLinearizable, type LinearizableResult } from './linearizable/index.ts';
import { checkLostWrites, type LostWritesResult } from './lost-writes.ts';
import { checkMembership, type MembershipResult } from './membership.ts';
import { checkSet, type SetResult } from './set.ts';
import { checkStaleness, type StalenessResult } from './staleness.ts';
import type { Checker, CheckResult } from './types.ts';
import { checkUnexpectedValues, type UnexpectedValuesResult } from './unexpected-values.ts';

/** Each checker's result type, by the checker's name. */
export interface CheckerResults {
  'lost-writes': LostWritesResult;
  'unexpected-values': UnexpectedValuesResult;
  convergence: ConvergenceResult;
  availability: AvailabilityResult;
  conflicts: ConflictsResult;
  linearizable: LinearizableResult;
  set: SetResult;
  staleness: StalenessResult;
  bank: BankResult;
  counter: CounterResult;
  'list-append': ListAppendResult;
  membership: MembershipResult;
}

export type CheckerName = keyof CheckerResults;

/** A checker that does not apply to the system (convergence without replica reads). */
export interface NotMeasured extends CheckResult {
  valid: 'unknown';
  notMeasured: string;
}

/** The results of the checkers a run applied, each of its own type. */
export type CheckResults = { [K in CheckerName]?: CheckerResults[K] | NotMeasured };

/** One checker's result of a run, if it ran and measured something (not a "not measured" stand-in). */
export function resultOf<K extends CheckerName>(
  results: CheckResults,
  checker: K,
): CheckerResults[K] | undefined {
  const result = results[checker];
  return result && !result.notMeasured ? (result as CheckerResults[K]) : undefined;
}

/** A checker that walks ops as objects, given them from a table. */
const onOps =
  <R extends CheckResult>(
    check: (history: readonly Op[], options?: Record<string, unknown>) => R,
  ): Checker<R> =>
  (history, options) =>
    check(opsOf(history), options);

/**
 * Every checker, by the name workloads and `faultline check` use. The
 * key-value ones (and availability and conflicts, which every run applies)
 * read the table's columns, so a run of any length checks in bounded memory.
 */
export const CHECKERS: { [K in CheckerName]: Checker<CheckerResults[K]> } = {
  'lost-writes': checkLostWrites,
  'unexpected-values': checkUnexpectedValues,
  convergence: checkConvergence,
  availability: checkAvailability,
  conflicts: checkConflicts,
  linearizable: onOps(checkLinearizable),
  set: onOps(checkSet),
  staleness: checkStaleness,
  bank: onOps(checkBank),
  counter: onOps(checkCounter),
  'list-append': onOps(checkListAppend),
  membership: checkMembership,
};

export const CHECKER_NAMES = Object.keys(CHECKERS) as CheckerName[];

export function isCheckerName(name: string): name is CheckerName {
  return (CHECKER_NAMES as string[]).includes(name);
}
