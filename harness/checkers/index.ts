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
import type { Checker } from './types.ts';
import { checkUnexpectedValues } from './unexpected-values.ts';

/** Every checker, by the name workloads and `faultline check` use. */
export const CHECKERS: Record<string, Checker> = {
  'lost-writes': checkLostWrites,
  'unexpected-values': checkUnexpectedValues,
  convergence: checkConvergence,
  availability: checkAvailability,
  conflicts: checkConflicts,
  linearizable: checkLinearizable,
  set: checkSet,
  staleness: checkStaleness,
  bank: checkBank,
  counter: checkCounter,
  'list-append': checkListAppend,
};

export const CHECKER_NAMES = Object.keys(CHECKERS);
