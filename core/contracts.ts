import type { QuorumRule } from './quorum.ts';
import type { NodeUsage } from './usage.ts';

/**
 * What a system gives the harness, the nemeses and the workloads to work
 * with, after Jepsen's db and client protocols: its nodes, the cluster's
 * lifecycle and faults, and a client's operations. Each adapter provides
 * them (adapters/types.ts adds the System that makes them).
 */

/**
 * The client a workload talks through: a system has one small client per
 * kind it serves (as Jepsen's workloads each have their own client), and a
 * workload runs on a system that has its kind.
 */
export type ClientKind = 'kv' | 'register' | 'set' | 'counter' | 'bank' | 'list-append';

/**
 * What a system offers: the client kinds it has, compare-and-set in its
 * register client (`cas`), and reads of one replica's own copy in its kv
 * client (`replica-read`).
 */
export type Capability = ClientKind | 'cas' | 'replica-read';

export interface NodeHandle {
  id: string;
  /** The node's own loopback address. */
  host: string;
  port: number;
  /** Source address for the workers pinned to this node. */
  clientAddress: string;
  pid?: number;
}

export interface Cluster {
  readonly system: string;
  readonly nodes: readonly NodeHandle[];
  /**
   * A source address of no node's workers. On a cluster of one node the
   * harness pins every other worker to it (still talking to that node), so
   * the partition nemesis can cut those clients off the node: with one
   * node, the link between clients and server is the only one to cut.
   */
  readonly spareClientAddress?: string;
  /** SIGKILL of the node's process group. */
  kill(node: string): Promise<void>;
  /**
   * (Re)start a killed node and wait until it serves. `env` is added to the
   * node's environment for this start (the clock nemesis preloads libfaketime).
   */
  start(node: string, options?: { env?: Record<string, string> }): Promise<void>;
  pause(node: string): Promise<void>;
  resume(node: string): Promise<void>;
  /** Stops every process it started. Safe to call twice. */
  teardown(): Promise<void>;
  /** Node ids that the cluster is certain are running and not paused. */
  isUp(node: string): boolean;
  /**
   * The nodes acting as leaders or primaries right now (Redis masters, the
   * MongoDB primary), asked of the system itself. Leaderless systems leave
   * it out, and the `partition-primaries` fault does not apply to them.
   */
  primaries?(): Promise<string[]>;
  /**
   * How this system decides which side of a partition may go on (its
   * masters, its primary component, a key's replicas at the level used),
   * asked at the moment of a cut and recorded with it. `keys` are the keys
   * in play, for a store whose replicas are placed per key.
   */
  quorum?(context: { workload: string; keys: readonly string[] }): Promise<QuorumRule>;
  /**
   * After heal, before the final reads: waits until the cluster has
   * recovered by its own means (failovers done, replicas caught up), within
   * a bound. Systems that converge through the final read itself (read
   * repair) leave it out.
   */
  settle?(timeoutMs: number): Promise<void>;
  /** What a node has used so far, while it runs (the report's resources per node). */
  usage?(node: string): Promise<NodeUsage | undefined>;
  /**
   * What a node reports of the system's own machinery (hints pending,
   * keys repaired), sampled each second for the report. Counters named
   * in `metrics`, with what each counts.
   */
  readonly internals?: {
    readonly metrics: { name: string; label: string }[];
    read(node: string): Promise<Record<string, number>>;
  };
  /**
   * Membership changes by the system's own procedure, where it has one
   * that runs here; `nodes` follows them. Absent: the membership faults
   * are skipped with the reason.
   */
  readonly membership?: ClusterMembership;
}

export interface ClusterMembership {
  /** Adds a node to the running cluster; resolves with its id once it serves its share. */
  grow(): Promise<string>;
  /** Removes a node (decommission): its data moves to the others, then it stops. */
  shrink(node: string): Promise<void>;
  /** The fewest nodes the cluster may shrink to (its replication factor). */
  readonly minNodes: number;
}

/** What a worker asks a client to do. */
export interface Invocation {
  f: string;
  key?: string;
  value?: unknown;
  final?: 'cluster' | 'replica';
  /**
   * A read of the pinned node's own copy, during the run (systems with
   * `replica-read`); it fails on a node that holds no replica of the key.
   */
  replica?: true;
}

/**
 * How it ended. `fail` only when the operation certainly did not take effect;
 * when in doubt, `info`: a wrong `fail` makes checkers report false anomalies.
 */
export type Completion =
  | { type: 'ok'; value?: unknown; siblings?: true }
  | { type: 'fail' | 'info'; error: string };

export interface Client {
  invoke(op: Invocation): Promise<Completion>;
  /** The nodes holding replicas of `key`, when the system can tell. */
  replicasOf?(key: string): Promise<string[]>;
  close(): Promise<void>;
}
