import type { Cluster } from '../adapters/types.ts';
import type { Rng } from '../workloads/rng.ts';
import { Firewall } from './firewall.ts';
import { cutsFor, describeCuts, type Shape } from './shapes.ts';
import { rootFaultBlocker } from './support.ts';
import type { FaultRecord, Nemesis } from './types.ts';

/**
 * A network partition of one shape, made of real dropped packets. A node's
 * client address is cut together with the node, so the workers pinned to a
 * minority node still reach it and nobody else (Jepsen's model).
 */
export class PartitionNemesis implements Nemesis {
  readonly name: string;
  readonly endName = 'stop-partition';
  private readonly firewall = new Firewall();

  constructor(readonly shape: Shape) {
    this.name = `partition-${shape}`;
  }

  /** Shapes that need the system's leaders. */
  private get leaders(): boolean {
    return this.shape === 'primary' || this.shape === 'primaries';
  }

  blocker(): string | undefined {
    return rootFaultBlocker('iptables');
  }

  notApplicable(cluster: Cluster): string | undefined {
    if (cluster.nodes.length < 2)
      return `${cluster.system} runs a single node here: there is nothing to partition`;
    if (this.leaders && !cluster.primaries)
      return `${cluster.system} has no primaries (it is leaderless)`;
    return undefined;
  }

  async start(cluster: Cluster, rng: Rng): Promise<FaultRecord> {
    const ids = cluster.nodes.map((n) => n.id);
    let primaries: string[] | undefined;
    if (this.leaders) {
      if (!cluster.primaries) throw new Error(this.notApplicable(cluster));
      primaries = await cluster.primaries();
      if (primaries.length === 0) throw new Error(`${cluster.system} reports no primary right now`);
    }
    const cuts = cutsFor(this.shape, ids, rng, primaries);
    const addresses = (id: string) => {
      const node = cluster.nodes.find((n) => n.id === id)!;
      return [node.host, node.clientAddress];
    };
    const rules = await this.firewall.cut(cuts, addresses);
    const sees = describeCuts(ids, cuts);
    // `nodes` names the minority side (nodes that cannot reach a majority,
    // themselves included); shapes with none (a ring) name every cut node.
    const majority = Math.floor(ids.length / 2) + 1;
    const minority = ids.filter((id) => sees[id]!.length + 1 < majority);
    const cutNodes = ids.filter((id) => sees[id]!.length < ids.length - 1);
    const affected = minority.length > 0 ? minority : cutNodes;
    return {
      f: this.name,
      value: {
        nodes: affected,
        shape: this.shape,
        ...(primaries ? { primaries } : {}),
        sees,
        rules: rules.length,
      },
    };
  }

  async stop(): Promise<FaultRecord> {
    await this.firewall.heal();
    return { f: this.endName, value: { nodes: [] } };
  }

  /** Flushes the rules and removes the chain: the host is as before. */
  async heal(): Promise<void> {
    await this.firewall.teardown().catch(() => {});
  }
}
