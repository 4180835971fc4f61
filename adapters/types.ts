import type {
  Capability,
  Client,
  Cluster,
  Completion,
  Invocation,
  NodeHandle,
} from '../core/contracts.ts';

export type { Capability, Client, Cluster, Completion, Invocation, NodeHandle };

/**
 * The contracts between the harness and a system (after Jepsen's db and
 * client protocols). Every adapter folder exports one `System`.
 */

export type ProviderName = 'local' | 'docker';

/** A row of Cattell's table (see shared/cattell-table.md) plus the CAP claim. */
export interface Claims {
  concurrencyControl: string;
  dataStorage: string;
  replication: string;
  transactions: 'Y' | 'L' | 'N';
  cap: 'CP' | 'AP' | 'CA';
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
