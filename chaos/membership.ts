import type { Cluster, ClusterMembership } from '../core/contracts.ts';
import { type Rng, shuffle } from '../core/rng.ts';
import type { FaultRecord, Nemesis } from './types.ts';

/**
 * What a membership fault does at its start; its stop does the opposite,
 * so the cluster ends the run with as many nodes as it began:
 * - grow: add a node, later decommission it;
 * - shrink: decommission a node, later add one;
 * - membership: add a node, later decommission a node picked at random
 *   (maybe one of the first), so data moves both ways.
 */
export type MembershipMode = 'grow' | 'shrink' | 'membership';

/**
 * Membership changes under load, each by the system's own procedure
 * (Cluster.membership). Each change is recorded with the node it added or
 * removed and how long the move took, as the fault's start or end.
 */
export class MembershipNemesis implements Nemesis {
  readonly name: MembershipMode;
  readonly endName: string;
  /** Changes made and not yet undone: + a node added, - a node removed. */
  private balance = 0;
  private added: string | undefined;
  private rng: Rng | undefined;

  constructor(mode: MembershipMode) {
    this.name = mode;
    this.endName = mode === 'shrink' ? 'grow' : 'shrink';
  }

  /** Nothing to install: each system's own procedure does the work. */
  blocker(): undefined {
    return undefined;
  }

  notApplicable(cluster: Cluster): string | undefined {
    const membership = cluster.membership;
    if (!membership)
      return `${cluster.system} has no membership change that runs here (see its adapter's README)`;
    if (this.name === 'shrink' && cluster.nodes.length <= membership.minNodes)
      return `shrink needs more than ${membership.minNodes} nodes (the replication factor): use --nodes=${membership.minNodes + 1} or more`;
    return undefined;
  }

  async start(cluster: Cluster, rng: Rng): Promise<FaultRecord> {
    this.rng = rng;
    return this.name === 'shrink' ? this.shrink(cluster, rng) : this.grow(cluster);
  }

  async stop(cluster: Cluster): Promise<FaultRecord> {
    if (this.name === 'shrink') return this.grow(cluster);
    const victim = this.name === 'grow' ? this.added : undefined;
    return this.shrink(cluster, this.rng!, victim);
  }

  /** Undoes a change still in effect, so the cluster has its first size again. */
  async heal(cluster: Cluster): Promise<void> {
    try {
      if (this.balance > 0) await this.shrink(cluster, this.rng!, this.added);
      else if (this.balance < 0) await this.grow(cluster);
    } catch {
      // heal never throws: a cluster that cannot undo it is torn down anyway.
    }
  }

  private async grow(cluster: Cluster): Promise<FaultRecord> {
    const started = performance.now();
    const node = await this.of(cluster).grow();
    this.added = node;
    this.balance++;
    return { f: 'grow', value: { nodes: [node], ms: Math.round(performance.now() - started) } };
  }

  private async shrink(cluster: Cluster, rng: Rng, victim?: string): Promise<FaultRecord> {
    const running = cluster.nodes.map((n) => n.id).filter((id) => cluster.isUp(id));
    const node = victim && running.includes(victim) ? victim : shuffle(running, rng)[0];
    if (!node) throw new Error(`${this.name}: no running node to decommission`);
    const started = performance.now();
    await this.of(cluster).shrink(node);
    if (node === this.added) this.added = undefined;
    this.balance--;
    return { f: 'shrink', value: { nodes: [node], ms: Math.round(performance.now() - started) } };
  }

  private of(cluster: Cluster): ClusterMembership {
    const membership = cluster.membership;
    if (!membership) throw new Error(`${cluster.system} cannot change its membership here`);
    return membership;
  }
}
