import { join } from 'node:path';
import { acceptsConnections, StopWaiting, waitUntil } from '../core/processes.ts';
import type { NodeUsage } from '../core/usage.ts';
import { bindSourceEnv } from './bind-source/index.ts';
import { localProvider, type NodeLaunch, type Placement, type RunningNode } from './provider.ts';
import type { Cluster, NodeHandle, ProvisionOptions } from './types.ts';

const READY_TIMEOUT_MS = 30_000;

/**
 * What every system's cluster shares, whatever runs its nodes: the node
 * lifecycle of `Cluster` (start, kill and restart, pause and resume, each
 * start recorded for the run's state file, a wait until the node answers,
 * teardown), on the provider's nodes (adapters/provider.ts). A system's
 * cluster says what a node is (`command`), how to tell it is ready
 * (`ready`), and anything more it does (forming the cluster, primaries,
 * settling).
 */
export abstract class NodeCluster implements Cluster {
  readonly system: string;
  readonly nodes: NodeHandle[];
  private readonly running = new Map<string, RunningNode>();
  private readonly paused = new Set<string>();
  private readonly placement: Placement;
  private readonly port: number;
  /** The highest node number given so far: an added node never takes a removed one's id, folder or address. */
  private lastNumber: number;

  /**
   * `subnet` is the system's (System.subnet); the provider gives the
   * nodes' addresses in it. `nodes` defaults to the run's `--nodes`.
   */
  constructor(
    protected readonly options: ProvisionOptions,
    place: { system: string; subnet: number; port: number; nodes?: number },
  ) {
    this.system = place.system;
    this.placement = (options.provider ?? localProvider).place({
      system: place.system,
      subnet: place.subnet,
      dir: options.dir,
      image: options.image,
    });
    this.port = place.port;
    this.nodes = this.placement.nodes(place.nodes ?? options.nodes, place.port);
    this.lastNumber = this.nodes.length;
  }

  /**
   * A new node for a membership change, on the next address: `n<k>` after
   * the highest id ever given, so a node removed earlier is never reused
   * (its folder holds the old node's data and identity). Not started.
   */
  protected addNode(): NodeHandle {
    const k = ++this.lastNumber;
    const node = this.placement.nodes(k, this.port)[k - 1]!;
    this.nodes.push(node);
    return node;
  }

  /**
   * A membership change's new node: added (addNode), then `join`ed by the
   * system's procedure; if the join fails, stopped and forgotten again.
   * Resolves with its id.
   */
  protected async joinNewNode(join: (node: NodeHandle) => Promise<void>): Promise<string> {
    const node = this.addNode();
    try {
      await join(node);
    } catch (error) {
      await this.removeNode(node.id);
      throw error;
    }
    return node.id;
  }

  /** Stops a node for good and forgets it (after a decommission). */
  protected async removeNode(id: string): Promise<void> {
    await this.running.get(id)?.stop();
    this.running.delete(id);
    this.paused.delete(id);
    this.detachNode(id);
  }

  /**
   * Takes a node out of `nodes` while it still runs, so workers move off it
   * before it stops (a system whose leaving node must first hand on what
   * it took); `removeNode` stops it later.
   */
  protected detachNode(id: string): void {
    const index = this.nodes.findIndex((n) => n.id === id);
    if (index >= 0) this.nodes.splice(index, 1);
  }

  get spareClientAddress(): string | undefined {
    return this.placement.spareClientAddress;
  }

  /**
   * The program, arguments and extra environment of a node, and the text
   * that names it in `ps` (PID-reuse guard).
   */
  protected abstract command(node: NodeHandle): Omit<NodeLaunch, 'dir'>;

  /** True once the node serves; may throw to report why it cannot. */
  protected abstract ready(node: NodeHandle): Promise<boolean>;

  /**
   * True where a node opens connections to its peers that must leave from
   * its own address (replication, gossip): on loopback every node shares
   * the interface, so a preload binds them, or a partition by address would
   * let them through. A container's one address is its node's already, and
   * the preload (built against this machine's C library) is not loaded there.
   */
  protected readonly bindsPeerConnections: boolean = false;

  /** How long a start may take before it counts as failed (JVMs take longer). */
  protected readyTimeoutMs(): number {
    return READY_TIMEOUT_MS;
  }

  /**
   * Work before each start of a node (Galera recovers its position after a
   * crash); `command` is asked again after it, so a restart may differ.
   */
  protected async beforeStart(_node: NodeHandle): Promise<void> {}

  async start(id: string, options: { env?: Record<string, string> } = {}): Promise<void> {
    const node = this.node(id);
    if (this.running.get(id)?.running) return;
    // Otherwise `ready` would be answered by whoever holds the port.
    if (this.placement.hostProcesses && (await acceptsConnections(node.host, node.port)))
      throw new Error(
        `${this.system} node ${id}: ${node.host}:${node.port} is already in use by another process (a crashed run's node? npx faultline heal stops those)`,
      );
    await this.beforeStart(node);
    const command = this.command(node);
    const preload =
      this.bindsPeerConnections && this.hostProcesses ? await bindSourceEnv(node.host) : undefined;
    const env = preload || command.env ? { ...preload, ...command.env } : undefined;
    const launch = { ...command, env, dir: this.dir(node) };
    const proc = await this.placement.launch(node, launch, options.env);
    this.running.set(id, proc);
    node.pid = proc.pid;
    this.paused.delete(id);
    if (proc.pid !== undefined)
      this.options.onProcess?.({ node: id, pid: proc.pid, marker: launch.marker });
    try {
      await waitUntil(
        `${this.system} node ${id}`,
        async () => {
          if (!proc.running) throw new StopWaiting('exited');
          return this.ready(node);
        },
        this.readyTimeoutMs(),
        50,
      );
    } catch (error) {
      const tail = proc.tail();
      throw new Error(
        `${this.system} node ${id} did not start (${(error as Error).message})${tail ? `:\n${tail}` : ''}`,
      );
    }
  }

  async usage(id: string): Promise<NodeUsage | undefined> {
    return this.running.get(id)?.usage?.();
  }

  async kill(id: string): Promise<void> {
    await this.process(id)?.kill();
    this.paused.delete(id);
  }

  async pause(id: string): Promise<void> {
    await this.process(id)?.pause();
    this.paused.add(id);
  }

  async resume(id: string): Promise<void> {
    await this.process(id)?.resume();
    this.paused.delete(id);
  }

  isUp(id: string): boolean {
    return (this.process(id)?.running ?? false) && !this.paused.has(id);
  }

  async teardown(): Promise<void> {
    await Promise.all([...this.running.values()].map((p) => p.stop()));
    this.paused.clear();
    await this.placement.close();
  }

  /** Runs a tool beside the node (redis-cli, nodetool), on this machine or in its container. */
  protected exec(
    node: NodeHandle,
    program: string,
    args: string[],
    timeoutMs: number,
  ): Promise<string> {
    return this.placement.exec(node, program, args, timeoutMs);
  }

  /** True where nodes are processes of this machine, which can watch the harness's PID. */
  protected get hostProcesses(): boolean {
    return this.placement.hostProcesses;
  }

  /** The node's folder inside the run's folder. */
  protected dir(node: NodeHandle): string {
    return join(this.options.dir, node.id);
  }

  protected node(id: string): NodeHandle {
    const node = this.nodes.find((n) => n.id === id);
    if (!node) throw new Error(`no node ${id} in the ${this.system} cluster`);
    return node;
  }

  /** The node as its provider runs it; undefined if never started (it acts as stopped). */
  private process(id: string): RunningNode | undefined {
    this.node(id);
    return this.running.get(id);
  }
}
