import type { Completion, Invocation } from '../core/contracts.ts';
import type { Rng } from '../core/rng.ts';
import type { Workload, WorkloadOptions, WorkloadSpec } from './types.ts';
import { ScrambledZipfian, SkewedLatest } from './zipfian.ts';

/** Fractions of operations; they sum to 1. */
export interface Mix {
  read: number;
  update: number;
  insert: number;
  /** Read-modify-write: read a key, write a new value with what was read. */
  rmw: number;
}

export type Distribution = 'zipfian' | 'latest';

interface KvSpec {
  name: string;
  ycsb: string;
  summary: string;
  mix: Mix;
  distribution: Distribution;
}

const KV: KvSpec[] = [
  {
    name: 'write-heavy',
    ycsb: '-',
    summary: '80% writes (70% updates, 10% inserts of new keys), 20% reads; zipfian keys',
    mix: { read: 0.2, update: 0.7, insert: 0.1, rmw: 0 },
    distribution: 'zipfian',
  },
  {
    name: 'read-heavy',
    ycsb: 'B',
    summary: '95% reads, 5% updates; zipfian keys',
    mix: { read: 0.95, update: 0.05, insert: 0, rmw: 0 },
    distribution: 'zipfian',
  },
  {
    name: 'mixed',
    ycsb: 'A',
    summary: '50% reads, 50% updates; zipfian keys',
    mix: { read: 0.5, update: 0.5, insert: 0, rmw: 0 },
    distribution: 'zipfian',
  },
  {
    name: 'read-only',
    ycsb: 'C',
    summary: '100% reads; zipfian keys',
    mix: { read: 1, update: 0, insert: 0, rmw: 0 },
    distribution: 'zipfian',
  },
  {
    name: 'read-latest',
    ycsb: 'D',
    summary: '95% reads, 5% inserts; reads favour the latest inserted keys',
    mix: { read: 0.95, update: 0, insert: 0.05, rmw: 0 },
    distribution: 'latest',
  },
  {
    name: 'rmw',
    ycsb: 'F',
    summary: '50% reads, 50% read-modify-writes; zipfian keys',
    mix: { read: 0.5, update: 0, insert: 0, rmw: 0.5 },
    distribution: 'zipfian',
  },
];

/**
 * A YCSB-style key-value workload. Every written value is unique in the run
 * (a counter), which is what lets the checkers tell whose write a read saw.
 * Reads and updates pick among keys whose insert has completed (YCSB's
 * acknowledged-counter window), so a read of a key never inserted is rare.
 */
export class KvWorkload implements Workload {
  readonly client = 'kv' as const;
  readonly checkers = ['lost-writes', 'unexpected-values', 'staleness', 'convergence'] as const;
  private nextValue = 1;
  private assigned: number;
  /** Keys [0, readable) have all completed their insert (or given up). */
  private readable: number;
  private readonly finished = new Set<number>();
  private readonly chooser: ScrambledZipfian | SkewedLatest;

  constructor(
    readonly spec: KvSpec,
    readonly options: WorkloadOptions,
  ) {
    this.assigned = options.keys;
    this.readable = options.keys;
    this.chooser = spec.distribution === 'latest' ? new SkewedLatest() : new ScrambledZipfian();
  }

  get name(): string {
    return this.spec.name;
  }

  load(): Invocation[] {
    return Array.from({ length: this.options.keys }, (_, i) => ({
      f: 'insert',
      key: keyName(i),
      value: this.nextValue++,
    }));
  }

  next(rng: Rng): Invocation {
    const { read, update, insert } = this.spec.mix;
    const roll = rng();
    if (roll < read) return { f: 'read', key: this.existingKey(rng) };
    if (roll < read + update)
      return { f: 'update', key: this.existingKey(rng), value: this.nextValue++ };
    if (roll < read + update + insert) {
      return { f: 'insert', key: keyName(this.assigned++), value: this.nextValue++ };
    }
    return { f: 'rmw', key: this.existingKey(rng), value: this.nextValue++ };
  }

  done(op: Invocation, _completion: Completion): void {
    if (op.f !== 'insert' || op.key === undefined) return;
    const index = Number(op.key.slice(1));
    if (index < this.readable) return;
    this.finished.add(index);
    while (this.finished.delete(this.readable)) this.readable++;
  }

  writtenKeys(): string[] {
    return Array.from({ length: this.assigned }, (_, i) => keyName(i));
  }

  private existingKey(rng: Rng): string {
    return keyName(this.chooser.next(rng, Math.max(1, this.readable)));
  }
}

function keyName(index: number): string {
  return `k${index}`;
}

export const KV_WORKLOADS: WorkloadSpec[] = KV.map((spec) => ({
  name: spec.name,
  summary: spec.ycsb === '-' ? spec.summary : `YCSB ${spec.ycsb}: ${spec.summary}`,
  create: (options: WorkloadOptions) => new KvWorkload(spec, options),
}));

export function kvMix(name: string): Mix | undefined {
  return KV.find((s) => s.name === name)?.mix;
}
