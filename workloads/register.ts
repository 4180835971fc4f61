import type { Completion, Invocation } from '../core/contracts.ts';
import type { Rng } from '../core/rng.ts';
import type { Workload, WorkloadOptions, WorkloadSpec } from './types.ts';

/** Keys in use at once: few, so that many processes contend on each. */
const ACTIVE_KEYS = 5;
/**
 * Ops per key before it is retired for a fresh one (Jepsen's independent
 * keys): short per-key histories keep the linearizability search small.
 */
const OPS_PER_KEY = 200;

/**
 * Reads, writes and (where the system has it) compare-and-set on a few
 * registers, for the linearizability checker. Values are unique in the run,
 * so every read names the write it saw; a cas expects the last value the
 * generator issued for its key, which under contention often fails.
 */
export class RegisterWorkload implements Workload {
  readonly name = 'register';
  readonly client = 'register' as const;
  readonly checkers = ['linearizable', 'lost-writes', 'convergence'] as const;
  private readonly cas: boolean;
  private readonly slots: { key: string; ops: number; last: number | null }[];
  private nextKey = 0;
  private nextValue = 1;

  constructor(options: WorkloadOptions) {
    this.cas = options.capabilities?.includes('cas') ?? false;
    this.slots = Array.from({ length: ACTIVE_KEYS }, () => this.freshSlot());
  }

  load(): Invocation[] {
    return [];
  }

  next(rng: Rng): Invocation {
    const index = Math.floor(rng() * this.slots.length);
    let slot = this.slots[index]!;
    if (slot.ops >= OPS_PER_KEY) slot = this.slots[index] = this.freshSlot();
    slot.ops++;
    const roll = rng();
    if (roll < 0.5) return { f: 'read', key: slot.key, value: null };
    const value = this.nextValue++;
    if (this.cas && roll < 0.7) {
      const expected = slot.last;
      slot.last = value;
      return { f: 'cas', key: slot.key, value: [expected, value] };
    }
    slot.last = value;
    return { f: 'write', key: slot.key, value };
  }

  done(_op: Invocation, _completion: Completion): void {}

  writtenKeys(): string[] {
    return Array.from({ length: this.nextKey }, (_, i) => `r${i}`);
  }

  private freshSlot() {
    return { key: `r${this.nextKey++}`, ops: 0, last: null };
  }
}

export const REGISTER: WorkloadSpec = {
  name: 'register',
  summary:
    'reads, writes and compare-and-set (where supported) on 5 registers at a time, 200 ops each; checked for linearizability',
  create: (options) => new RegisterWorkload(options),
};
