import type { Cluster } from '../adapters/types.ts';
import { pick, type Rng } from '../workloads/rng.ts';
import type { FaultRecord, Nemesis } from './types.ts';

/**
 * Process faults on one node at a time: kill -9 then restart (the node comes
 * back from its own disk), or SIGSTOP then SIGCONT (a long GC pause or a
 * stalled VM: its peers see a node that accepts connections and never answers).
 */
abstract class OneNodeFault implements Nemesis {
  readonly requiresRoot = false;
  protected readonly affected = new Set<string>();
  abstract readonly name: string;
  abstract readonly endName: string;
  protected abstract inject(cluster: Cluster, node: string): Promise<void>;
  protected abstract undo(cluster: Cluster, node: string): Promise<void>;

  async start(cluster: Cluster, rng: Rng): Promise<FaultRecord> {
    const candidates = cluster.nodes.map((n) => n.id).filter((id) => cluster.isUp(id));
    if (candidates.length === 0) throw new Error(`${this.name}: no running node to act on`);
    const node = pick(rng, candidates);
    this.affected.add(node);
    await this.inject(cluster, node);
    return { f: this.name, value: { nodes: [node] } };
  }

  async stop(cluster: Cluster): Promise<FaultRecord> {
    const nodes = [...this.affected];
    for (const node of nodes) {
      await this.undo(cluster, node);
      this.affected.delete(node);
    }
    return { f: this.endName, value: { nodes } };
  }

  async heal(cluster: Cluster): Promise<void> {
    for (const node of [...this.affected]) {
      await this.undo(cluster, node).catch(() => {});
      this.affected.delete(node);
    }
  }
}

export class KillNemesis extends OneNodeFault {
  readonly name = 'kill';
  readonly endName = 'restart';
  protected inject(cluster: Cluster, node: string) {
    return cluster.kill(node);
  }
  protected undo(cluster: Cluster, node: string) {
    return cluster.start(node);
  }
}

export class PauseNemesis extends OneNodeFault {
  readonly name = 'pause';
  readonly endName = 'resume';
  protected inject(cluster: Cluster, node: string) {
    return cluster.pause(node);
  }
  protected undo(cluster: Cluster, node: string) {
    return cluster.resume(node);
  }
}
