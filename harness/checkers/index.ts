import type { Op } from '../../core/history.ts';
import { opsOf } from '../../core/op-table.ts';
import { checkAvailability } from './availability.ts';
import { checkBank } from './bank.ts';
import { checkConflicts } from './conflicts.ts';
import { checkConvergence } from './convergence.ts';
import { checkCounter } from './counter.ts';
import { checkListAppend } from './elle/list-append.ts';
import { checkLinearizable } from './linearizable/index.ts';
import { checkLostWrites } from './lost-writes.ts';
import { checkSet } from './set.ts';
import { checkStaleness } from './staleness.ts';
import type { Checker, CheckResult } from './types.ts';
import { checkUnexpectedValues } from './unexpected-values.ts';

/** A checker that walks ops as objects, given them from a table. */
const onOps =
  (check: (history: readonly Op[], options?: Record<string, unknown>) => CheckResult): Checker =>
  (history, options) =>
    check(opsOf(history), options);

/**
 * Every checker, by the name workloads and `faultline check` use. The
 * key-value ones (and availability and conflicts, which every run applies)
 * read the table's columns, so a run of any length checks in bounded memory.
 */
export const CHECKERS: Record<string, Checker> = {
  'lost-writes': checkLostWrites,
  'unexpected-values': checkUnexpectedValues,
  convergence: checkConvergence,
  availability: checkAvailability,
  conflicts: checkConflicts,
  linearizable: onOps(checkLinearizable),
  set: onOps(checkSet),
  staleness: onOps(checkStaleness),
  bank: onOps(checkBank),
  counter: onOps(checkCounter),
  'list-append': onOps(checkListAppend),
};

export const CHECKER_NAMES = Object.keys(CHECKERS);
