import type { Completion, Invocation } from '../core/contracts.ts';
import type { Rng } from '../core/rng.ts';
import type { Workload, WorkloadOptions, WorkloadSpec } from './types.ts';

const SETS = 4;
const READ_FRACTION = 0.1;

/**
 * Jepsen's set: unique elements added to a few sets, with periodic reads of
 * a whole set and a final read of each after heal. Judged by the set
 * checker: acknowledged adds missing at the end are lost, adds that
 * reported `info` and show up are recovered, reads that miss an add
 * acknowledged before they began are stale.
 */
export class SetWorkload implements Workload {
  readonly name = 'set';
  readonly client = 'set' as const;
  readonly checkers = ['set', 'convergence'] as const;
  private nextElement = 1;

  constructor(readonly options: WorkloadOptions) {}

  load(): Invocation[] {
    return [];
  }

  next(rng: Rng): Invocation {
    const key = `s${Math.floor(rng() * SETS)}`;
    if (rng() < READ_FRACTION) return { f: 'read', key, value: null };
    return { f: 'add', key, value: this.nextElement++ };
  }

  done(_op: Invocation, _completion: Completion): void {}

  writtenKeys(): string[] {
    return Array.from({ length: SETS }, (_, i) => `s${i}`);
  }
}

export const SET: WorkloadSpec = {
  name: 'set',
  summary:
    'unique adds to 4 sets, 10% reads of a whole set, a final read after heal; lost, stale, recovered elements',
  create: (options) => new SetWorkload(options),
};
