import { join } from 'node:path';
import { acceptsConnections, LocalProcess, waitUntil } from '../core/processes.ts';
import type { Cluster, NodeHandle, ProvisionOptions } from './types.ts';

const READY_TIMEOUT_MS = 30_000;

/**
 * What every cluster of the local provider shares: one OS process per node
 * (its own process group, signalled by PID), kill -9 and restart, SIGSTOP
 * and SIGCONT, each start recorded for the run's state file, and a wait
 * until the node answers. A system's cluster says how to start a node
 * (`command`), how to tell it is ready (`ready`), and anything more it does
 * (forming the cluster, primaries, settling).
 */
export abstract class LocalCluster implements Cluster {
  abstract readonly system: string;
  readonly nodes: NodeHandle[];
  private readonly processes = new Map<string, LocalProcess>();
  private readonly paused = new Set<string>();

  constructor(
    protected readonly options: ProvisionOptions,
    nodes: NodeHandle[],
  ) {
    this.nodes = nodes;
  }

  /**
   * The program, arguments and extra environment of a node, and the text
   * that names it in `ps` (PID-reuse guard).
   */
  protected abstract command(node: NodeHandle): {
    program: string;
    args: string[];
    marker: string;
    env?: Record<string, string>;
  };

  /** True once the node serves; may throw to report why it cannot. */
  protected abstract ready(node: NodeHandle): Promise<boolean>;

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
    if (this.processes.get(id)?.running) return;
    // Otherwise `ready` would be answered by whoever holds the port.
    if (await acceptsConnections(node.host, node.port))
      throw new Error(
        `${this.system} node ${id}: ${node.host}:${node.port} is already in use by another process (a crashed run's node? npx faultline heal stops those)`,
      );
    await this.beforeStart(node);
    const { program, args, env } = this.command(node);
    const proc = new LocalProcess(program, args, join(this.dir(node), 'node.log'));
    this.processes.set(id, proc);
    const pid = await proc.start(mergeEnv(env, options.env));
    node.pid = pid;
    this.paused.delete(id);
    this.options.onProcess?.({ node: id, pid, marker: this.command(node).marker });
    try {
      await waitUntil(
        `${this.system} node ${id}`,
        async () => {
          if (!proc.running) throw new Error('exited');
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

  async kill(id: string): Promise<void> {
    await this.process(id).kill();
    this.paused.delete(id);
  }

  async pause(id: string): Promise<void> {
    this.process(id).signal('SIGSTOP');
    this.paused.add(id);
  }

  async resume(id: string): Promise<void> {
    this.process(id).signal('SIGCONT');
    this.paused.delete(id);
  }

  isUp(id: string): boolean {
    return this.process(id).running && !this.paused.has(id);
  }

  async teardown(): Promise<void> {
    await Promise.all([...this.processes.values()].map((p) => p.stop()));
    this.paused.clear();
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

  /** The node's current process; one never started acts as stopped. */
  private process(id: string): LocalProcess {
    const node = this.node(id);
    return this.processes.get(id) ?? new LocalProcess('', [], join(this.dir(node), 'node.log'));
  }
}

/** The node's own environment and a fault's (libfaketime), preloads of both kept. */
function mergeEnv(
  own: Record<string, string> = {},
  fault: Record<string, string> = {},
): Record<string, string> {
  const preload = [own.LD_PRELOAD, fault.LD_PRELOAD].filter(Boolean).join(':');
  return { ...own, ...fault, ...(preload ? { LD_PRELOAD: preload } : {}) };
}
