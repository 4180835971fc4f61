import type { Completion, Invocation } from '../core/contracts.ts';
import type { Rng } from '../core/rng.ts';
import type { Workload, WorkloadSpec } from './types.ts';

/**
 * Jepsen's counter: increments of 1–5 and reads of one counter, from 0.
 * Each read must lie between what the acknowledged increments guarantee and
 * what every attempted increment allows.
 */
export class CounterWorkload implements Workload {
  readonly name = 'counter';
  readonly client = 'counter' as const;
  readonly checkers = ['counter'] as const;

  load(): Invocation[] {
    return [];
  }

  next(rng: Rng): Invocation {
    if (rng() < 0.4) return { f: 'read', key: 'c', value: null };
    return { f: 'add', key: 'c', value: 1 + Math.floor(rng() * 5) };
  }

  done(_op: Invocation, _completion: Completion): void {}

  writtenKeys(): string[] {
    return ['c'];
  }
}

export const COUNTER: WorkloadSpec = {
  name: 'counter',
  summary:
    'increments and reads of one counter; reads must stay within the bounds the history allows',
  create: () => new CounterWorkload(),
};
