import type { QuorumRule } from '../core/quorum.ts';

/**
 * The contracts between the harness and a system (after Jepsen's db and
 * client protocols). Every adapter folder exports one `System`.
 */

export type ProviderName = 'local' | 'docker';

export type Capability = 'kv' | 'cas' | 'txn' | 'append' | 'counter' | 'scan' | 'replica-read';

/** A row of Cattell's table (see shared/cattell-table.md) plus the CAP claim. */
export interface Claims {
  concurrencyControl: string;
  dataStorage: string;
  replication: string;
  transactions: 'Y' | 'L' | 'N';
  cap: 'CP' | 'AP' | 'CA';
}

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
}

export interface ProvisionOptions {
  nodes: number;
  /** Folder for the nodes' data and logs, inside the run's folder. */
  dir: string;
  /** System-specific settings, validated by the system. */
  settings: Record<string, unknown>;
  /** Called with every process the cluster starts, for the run's state file. */
  onProcess?: (info: { node: string; pid: number; marker: string }) => void;
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

export interface System {
  name: string;
  /** The engine measured, as the report names it (e.g. "faultline dynamo 0.1"). */
  engine: string;
  claims: Claims;
  /**
   * For a system claimed "L" (limited transactions): the single-key
   * transaction it offers, as the matrix names it ("single-partition
   * LWT"); the register workload runs on it.
   */
  limitedTransactions?: string;
  /**
   * The strongest model its transactions are documented to give at these
   * settings, when stronger than serializability (e.g. strict
   * serializability): list-append checks it instead of the default.
   */
  claimedModel?(
    settings: Record<string, unknown>,
  ): 'strong-session-serializable' | 'strict-serializable' | undefined;
  capabilities: readonly Capability[];
  defaultNodes: number;
  /** Rejects settings that cannot work (e.g. fewer nodes than replicas), in one line. */
  validate(options: { nodes: number; settings: Record<string, unknown> }): string | undefined;
  /** One-line description of the configuration measured (e.g. "N=3 R=2 W=2"). */
  describe(settings: Record<string, unknown>): string;
  provision(provider: ProviderName, options: ProvisionOptions): Promise<Cluster>;
  /** `workload`: its name, for systems whose client maps ops per workload (a set to SADD). */
  connect(
    cluster: Cluster,
    node: NodeHandle,
    settings: Record<string, unknown>,
    workload?: string,
  ): Promise<Client>;
  /** Why its engine cannot run on this machine (not installed), or undefined. */
  blocker?(): string | undefined;
  /** Debian packages that `npm run setup` installs for it. */
  packages?: readonly string[];
  /**
   * Builds what it needs from the repository's own sources (a preload),
   * returning what it built; `npm run setup` calls it after the packages.
   * Runs also build it on first use.
   */
  build?(): Promise<string>;
}
