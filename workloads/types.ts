import type { Capability, ClientKind, Completion, Invocation } from '../core/contracts.ts';
import type { Rng } from '../core/rng.ts';

export interface WorkloadOptions {
  /** Records loaded before the run (YCSB's recordcount). */
  keys: number;
  seed: number;
  /** What the system under test supports (a register workload adds cas ops if it has cas). */
  capabilities?: readonly Capability[];
}

/**
 * A workload (after Jepsen's generators): a load phase, an endless stream of
 * operations for the run phase, and the keys to read back after heal. It is
 * shared by all workers; each worker passes its own random stream.
 */
export interface Workload {
  readonly name: string;
  /** The client it talks through; a system without one of this kind cannot run it. */
  readonly client: ClientKind;
  /** Checkers that judge its history, by name (harness/checkers). */
  readonly checkers: readonly string[];
  /** Options for some of them (the bank's total), by checker name. */
  readonly checkerOptions?: Record<string, Record<string, unknown>>;
  load(): Invocation[];
  next(rng: Rng): Invocation;
  /** Tells the generator how an operation ended (e.g. an insert is now readable). */
  done(op: Invocation, completion: Completion): void;
  /** Every key written, for the final read phase. */
  writtenKeys(): string[];
}

export interface WorkloadSpec {
  name: string;
  summary: string;
  create(options: WorkloadOptions): Workload;
}
