import type { Cluster } from '../core/contracts.ts';
import type { Rng } from '../core/rng.ts';

/** What a nemesis did, as recorded in the history (the op's f and value). */
export interface FaultRecord {
  f: string;
  value: { nodes: string[]; [detail: string]: unknown };
}

/**
 * A nemesis (Jepsen's word): injects one kind of fault into a cluster.
 * `start` begins a fault, `stop` ends it, `heal` undoes whatever is still in
 * effect: idempotent, never throws, safe after a crash of the run.
 */
export interface Nemesis {
  readonly name: string;
  /** The f recorded when its fault ends (kill → restart, pause → resume). */
  readonly endName: string;
  /** Why this fault cannot be injected on this machine (no root, a tool missing), or undefined. */
  blocker(): string | undefined;
  /** Why this fault makes no sense for a cluster (no primaries to isolate), or undefined. */
  notApplicable?(cluster: Cluster): string | undefined;
  /** Slow one-time work (building a helper) done before the run, not inside a fault window. */
  prepare?(log: (line: string) => void): Promise<void>;
  start(cluster: Cluster, rng: Rng): Promise<FaultRecord>;
  stop(cluster: Cluster): Promise<FaultRecord>;
  heal(cluster: Cluster): Promise<void>;
}

/** The knobs of the faults and what a nemesis needs from the run. */
export interface NemesisOptions {
  /** Latency fault: mean delay and jitter per packet, in ms. */
  latency?: { delayMs: number; jitterMs: number };
  /** Folder for the logs of helper processes (the run's `faults/`). */
  dir?: string;
  /** Records a helper process in the run's state file, so `faultline heal` finds it. */
  onProcess?: (info: { node: string; pid: number; marker: string }) => void;
  /** The workload running, for a quorum that depends on it (Cassandra's LWT register). */
  workload?: string;
  /** The keys in play, for a quorum placed per key (a leaderless store's replicas). */
  keys?: () => readonly string[];
  /** The workers of a lone node that connect from its spare client address, if any. */
  spareClients?: () => SpareClients | undefined;
}

/**
 * Workers pinned to a lone node from the cluster's spare client address
 * (Cluster.spareClientAddress): the clients a partition can cut off it.
 */
export interface SpareClients {
  address: string;
  /** Their threads: a worker's thread is its process id modulo `stride`. */
  threads: number[];
  stride: number;
}

/** Whether the worker now running as `process` is one of `clients`' threads. */
export function isSpareThread(
  clients: Pick<SpareClients, 'threads' | 'stride'>,
  process: number,
): boolean {
  return clients.threads.includes(process % clients.stride);
}
