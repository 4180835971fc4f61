import type { NodeHandle } from './contracts.ts';
import type { NodeUsage } from './usage.ts';

/**
 * The seam between a system and where its nodes run. A system's cluster
 * says what a node is (`NodeLaunch`: program, arguments, environment, its
 * folder) and how to tell it is ready; a provider places the cluster (its
 * nodes' addresses, a network of its own) and turns each launch into a
 * running node it can kill, pause, resume and stop. The local provider
 * (adapters/provider.ts) runs each node as a process of this machine; the
 * docker provider (docker/) runs the same launch in a container.
 */
export type ProviderName = 'local' | 'docker';

export interface NodeLaunch {
  program: string;
  args: string[];
  /** The node's own environment (a provider adds a fault's, e.g. libfaketime). */
  env?: Record<string, string>;
  /** Text that names the node's process in `ps`, to tell it from a reused PID. */
  marker: string;
  /** The node's folder: its data, and `node.log`. */
  dir: string;
  /**
   * Folders outside `dir` the node writes and the harness reads, seen at
   * the same path wherever the node runs (MariaDB's socket folder).
   */
  shared?: string[];
}

/** A node as a provider runs it. */
export interface RunningNode {
  /** For the run's state file, so a crashed run's nodes can be stopped; undefined in a container. */
  readonly pid: number | undefined;
  readonly running: boolean;
  /** Crash: nothing is flushed, nothing is said goodbye to. */
  kill(): Promise<void>;
  /** Frozen: connections stay open and nothing answers. */
  pause(): Promise<void>;
  resume(): Promise<void>;
  /** Gracefully, then by force. */
  stop(): Promise<void>;
  /** The last lines of its log, for errors. */
  tail(): string;
  /** What it has used so far (CPU, memory, disk, network), while it runs. */
  usage?(): Promise<NodeUsage | undefined>;
}

/** What a provider is told about the cluster it places. */
export interface PlacementRequest {
  /** The system's name, for the names and labels of what the provider creates. */
  system: string;
  /** The system's subnet (System.subnet): one address plan per system. */
  subnet: number;
  /** The cluster's folder, inside the run's folder. */
  dir: string;
  /** The image its nodes run in, where the provider runs images. */
  image?: string;
}

/** One cluster's place: its nodes' addresses, and what runs them. */
export interface Placement {
  /** Nodes `n1`…`n<count>`, each on its own address, all on `port`. */
  nodes(count: number, port: number): NodeHandle[];
  /**
   * A source address of no node's workers, that the host holds (see
   * Cluster.spareClientAddress); undefined where it cannot take one.
   */
  readonly spareClientAddress?: string;
  /**
   * True where nodes are processes of this machine (local): another
   * process may already hold a node's address and port, so a start checks
   * that first, and a node can watch the harness's PID to exit with it.
   */
  readonly hostProcesses: boolean;
  /** Starts a node; resolves once it runs (not yet serves: the cluster waits for that). */
  launch(
    node: NodeHandle,
    launch: NodeLaunch,
    faultEnv?: Record<string, string>,
  ): Promise<RunningNode>;
  /**
   * Runs a tool beside a node (on this machine, or in the node's
   * container) and gives its output; rejects, with the output, if it fails
   * or takes longer than `timeoutMs`.
   */
  exec(node: NodeHandle, program: string, args: string[], timeoutMs: number): Promise<string>;
  /** Removes what the placement made beside the nodes (a network); after every node stopped. */
  close(): Promise<void>;
}

export interface Provider {
  readonly name: ProviderName;
  place(request: PlacementRequest): Placement;
}

/** The node's own environment and a fault's, preloads of both kept. */
export function mergeEnv(
  own: Record<string, string> = {},
  fault: Record<string, string> = {},
): Record<string, string> {
  const preload = [own.LD_PRELOAD, fault.LD_PRELOAD].filter(Boolean).join(':');
  return { ...own, ...fault, ...(preload ? { LD_PRELOAD: preload } : {}) };
}

/**
 * faultline's own image of a recipe (docker/images: `npm run images` builds
 * it where no registry answers), as against an official image of the engine.
 */
export function localImage(recipe: string): string {
  return `faultline/${recipe}:local`;
}

/** True for an image faultline built (`faultline/<recipe>:local`): Debian's engines at Debian's paths. */
export function isLocalImage(ref: string): boolean {
  return /^faultline\/[a-z0-9-]+:local$/.test(ref);
}
