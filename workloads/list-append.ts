import type { Completion, Invocation } from '../core/contracts.ts';
import type { Rng } from '../core/rng.ts';
import type { Workload, WorkloadSpec } from './types.ts';

const ACTIVE_KEYS = 5;
/** Appends per key before it is retired (Jepsen's default is of this order). */
const APPENDS_PER_KEY = 32;

/**
 * Elle's list-append: transactions of 1–4 micro-ops, each an append of a
 * value unique to its key or a read of a whole list, over a few keys that
 * are retired after 32 appends. Reads reveal each key's version order, from
 * which the checker infers the dependency graph and its cycles.
 */
export class ListAppendWorkload implements Workload {
  readonly name = 'list-append';
  readonly client = 'list-append' as const;
  readonly checkers = ['list-append'] as const;
  private readonly slots = Array.from({ length: ACTIVE_KEYS }, (_, i) => ({
    key: `l${i}`,
    appends: 0,
  }));
  private nextKey = ACTIVE_KEYS;

  load(): Invocation[] {
    return [];
  }

  next(rng: Rng): Invocation {
    const ops: unknown[][] = [];
    const size = 1 + Math.floor(rng() * 4);
    for (let i = 0; i < size; i++) {
      const index = Math.floor(rng() * this.slots.length);
      const slot = this.slots[index]!;
      if (rng() < 0.5) {
        ops.push(['r', slot.key, null]);
        continue;
      }
      ops.push(['append', slot.key, ++slot.appends]);
      if (slot.appends >= APPENDS_PER_KEY)
        this.slots[index] = { key: `l${this.nextKey++}`, appends: 0 };
    }
    return { f: 'txn', value: ops };
  }

  done(_op: Invocation, _completion: Completion): void {}

  writtenKeys(): string[] {
    return [];
  }
}

export const LIST_APPEND: WorkloadSpec = {
  name: 'list-append',
  summary: "Elle's transactions of appends and list reads; checked for G0, G1, G-single, G2-item",
  create: () => new ListAppendWorkload(),
};
