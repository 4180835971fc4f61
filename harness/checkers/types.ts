import type { Op } from '../history.ts';

export type Validity = true | false | 'unknown';

/** A checker's verdict, with counts and example ops as evidence. */
export interface CheckResult {
  valid: Validity;
  [detail: string]: unknown;
}

export type Checker = (history: readonly Op[], options?: Record<string, unknown>) => CheckResult;

/** false beats unknown beats true. */
export function combine(validities: Validity[]): Validity {
  if (validities.includes(false)) return false;
  if (validities.includes('unknown')) return 'unknown';
  return true;
}
