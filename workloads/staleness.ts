import type { Completion, Invocation } from '../core/contracts.ts';
import type { Rng } from '../core/rng.ts';
import type { Workload, WorkloadOptions, WorkloadSpec } from './types.ts';

const KEYS = 8;

/**
 * Probabilistically bounded staleness (Bailis et al.): a few keys written
 * now and then (20%) and read all the time (80%) by workers on every node,
 * with the system's ordinary reads and, where it has them, reads of each
 * replica's own copy. Reads go on continuously, so the delays after each
 * write are sampled over the whole range rather than on a fixed schedule. The staleness checker bins each read by
 * how long after the latest acknowledged write it began, and gives the
 * probability of seeing that write (t-visibility) and how many versions
 * behind the stale reads were (k-staleness).
 */
export class StalenessWorkload implements Workload {
  readonly name = 'staleness';
  readonly client = 'kv' as const;
  readonly checkers = ['staleness', 'lost-writes'] as const;
  private nextValue = 1;
  private readonly replicaReads: boolean;

  constructor(options: WorkloadOptions) {
    this.replicaReads = options.capabilities?.includes('replica-read') ?? false;
  }

  load(): Invocation[] {
    return Array.from({ length: KEYS }, (_, i) => ({
      f: 'write',
      key: `p${i}`,
      value: this.nextValue++,
    }));
  }

  next(rng: Rng): Invocation {
    const key = `p${Math.floor(rng() * KEYS)}`;
    const roll = rng();
    if (roll < 0.2) return { f: 'write', key, value: this.nextValue++ };
    // Where the system lets a client read one replica's own copy, a third of
    // the reads do, for the visibility of writes at each replica.
    if (this.replicaReads && roll > 0.73) return { f: 'read', key, value: null, replica: true };
    return { f: 'read', key, value: null };
  }

  done(_op: Invocation, _completion: Completion): void {}

  writtenKeys(): string[] {
    return Array.from({ length: KEYS }, (_, i) => `p${i}`);
  }
}

export const STALENESS: WorkloadSpec = {
  name: 'staleness',
  summary: 'writes and constant reads of 8 keys; t-visibility (PBS) curve and k-staleness',
  create: (options) => new StalenessWorkload(options),
};
