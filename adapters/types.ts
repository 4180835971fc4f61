import type {
  Capability,
  Client,
  ClientKind,
  Cluster,
  Completion,
  Invocation,
  NodeHandle,
} from '../core/contracts.ts';
import type { Provider, ProviderName } from '../core/provider.ts';
import type { Settings } from '../core/settings.ts';

export type { Capability, Client, ClientKind, Cluster, Completion, Invocation, NodeHandle };

/**
 * Opens a worker's client of one kind on a node, with the system's
 * settings. Declared as a method, so that the registry can hold every
 * system's clients whatever its settings type (as with System's methods).
 */
export type ClientOf<S> = {
  open(cluster: Cluster, node: NodeHandle, settings: S): Promise<Client>;
}['open'];

/** What a system offers, as the workloads ask for it (their client kind, cas, replica reads). */
export function capabilitiesOf(system: Pick<System<never>, 'clients' | 'features'>): Capability[] {
  return [...(Object.keys(system.clients) as ClientKind[]), ...system.features];
}

/**
 * The contracts between the harness and a system (after Jepsen's db and
 * client protocols). Every adapter folder exports one `System`.
 */

export type { ProviderName };

/** A row of Cattell's table (see shared/cattell-table.md) plus the CAP claim. */
export interface Claims {
  concurrencyControl: string;
  dataStorage: string;
  replication: string;
  transactions: 'Y' | 'L' | 'N';
  cap: 'CP' | 'AP' | 'CA';
  /**
   * How the design notes say a node is added: "dynamic" (Dynamo, and
   * consistent hashing's "node addition/deletion to cluster") or "system
   * shutdown" (Redis). Absent where they say nothing.
   */
  nodeAddition?: 'dynamic' | 'system shutdown';
}

export interface ProvisionOptions<S extends object = Record<string, unknown>> {
  nodes: number;
  /** Folder for the nodes' data and logs, inside the run's folder. */
  dir: string;
  /** The system's settings, parsed (defaults filled in) by its declaration. */
  settings: S;
  /** What runs the nodes (adapters/provider.ts); the local provider when absent. */
  provider?: Provider;
  /** The image the nodes run in, on a provider that runs images (`--image`). */
  image?: string;
  /** Called with every process the cluster starts, for the run's state file. */
  onProcess?: (info: { node: string; pid: number; marker: string }) => void;
}

/**
 * A system's settings type is its own (`System<RedisSettings>`); the
 * harness holds systems as `System` and hands each the settings its own
 * declaration parsed, so the methods are declared as methods (checked
 * bivariantly) for the registry to hold them all.
 */
export interface System<S extends object = Record<string, unknown>> {
  name: string;
  /** The engine measured, as the report names it (e.g. "faultline dynamo 0.1"). */
  engine: string;
  claims: Claims;
  /**
   * Its loopback subnet on the local provider: nodes on 127.0.<10+subnet>.n,
   * their clients on .<100+n> (core/addresses.ts); one per system.
   */
  subnet: number;
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
  claimedModel?(settings: S): 'strong-session-serializable' | 'strict-serializable' | undefined;
  /**
   * One small client per workload kind it serves (Jepsen's per-workload
   * clients): the keys are the workloads it can run, each client opened
   * for one worker pinned to one node.
   */
  clients: { readonly [K in ClientKind]?: ClientOf<S> };
  /** `cas` in its register client, `replica-read` in its kv client. */
  features: readonly ('cas' | 'replica-read')[];
  /**
   * The docker provider's image for its nodes: a recipe of docker/images
   * (`npm run images` builds it as faultline/<recipe>:local), holding the
   * same runtime at the same paths as the local engine.
   */
  image: string;
  /**
   * The engine's official image (`redis:7`), which the docker provider runs
   * by default where a registry answers; without one it runs `image`.
   */
  officialImage?: string;
  /**
   * The system as nodes of that image run it, where the image holds
   * another engine than faultline's local one (mongo:7 is a mongod replica
   * set, faultline/ferretdb:local is FerretDB): its engine, nodes,
   * clients and cluster. The same row, so the same name and claims.
   */
  onImage?(image: string): System<S>;
  defaultNodes: number;
  /** Its settings, declared once: flags, help, bounds, defaults, docs (core/settings.ts). */
  settings: Settings<S>;
  /**
   * Rejects settings that each pass their own bounds but cannot work
   * together or on these nodes (fewer nodes than replicas), in one line.
   */
  validate?(options: {
    nodes: number;
    settings: S;
    provider: ProviderName;
    /** On the docker provider once its image is chosen; absent before. */
    image?: string;
  }): string | undefined;
  /** One-line description of the configuration measured (e.g. "N=3 R=2 W=2"). */
  describe(settings: S): string;
  provision(provider: ProviderName, options: ProvisionOptions<S>): Promise<Cluster>;
  /**
   * Why it cannot run here on that provider (its engine not installed,
   * for the local one; what the repository must build, for both), or
   * undefined.
   */
  blocker?(provider: ProviderName): string | undefined;
  /** Debian packages that `npm run setup` installs for it. */
  packages?: readonly string[];
  /**
   * Builds what it needs from the repository's own sources (a preload),
   * returning what it built; `npm run setup` calls it after the packages.
   * Runs also build it on first use.
   */
  build?(): Promise<string>;
}

/**
 * The same row as an image's engine runs it: its name and claims kept, the
 * given parts replaced, and no further image to choose (onImage answers
 * once).
 */
export function onImageRow<S extends object>(
  system: System<S>,
  changes: Partial<System<S>>,
): System<S> {
  return { ...system, ...changes, onImage: undefined };
}
