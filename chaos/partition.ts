import type { Cluster } from '../core/contracts.ts';
import { describeSides, type QuorumRule } from '../core/quorum.ts';
import type { Rng } from '../core/rng.ts';
import { Firewall } from './firewall.ts';
import { type Cut, cutsFor, describeCuts, type Shape } from './shapes.ts';
import { rootFaultBlocker } from './support.ts';
import type { FaultRecord, Nemesis, NemesisOptions } from './types.ts';

/**
 * A network partition of one shape, made of real dropped packets. A node's
 * client address is cut together with the node, so the workers pinned to a
 * minority node still reach it and nobody else (Jepsen's model). The
 * record names each side and whether it holds the system's quorum, as the
 * cluster defines it at the moment of the cut (`Cluster.quorum`).
 *
 * A cluster of one node has no peer to cut it from; where the harness gave
 * half of its workers the spare client address, every shape that makes
 * two sides cuts those clients off the node instead. The record names them
 * as the side `clients` (holding none of the quorum's members) and lists
 * their threads, so the checkers place each op on its side.
 */
export class PartitionNemesis implements Nemesis {
  readonly name: string;
  readonly endName = 'stop-partition';
  private readonly firewall = new Firewall();

  constructor(
    readonly shape: Shape,
    private readonly options: NemesisOptions = {},
  ) {
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
    if (cluster.nodes.length < 2) {
      if (!this.options.spareClients?.())
        return `${cluster.system} runs a single node here, with no spare client address to cut its clients off: there is nothing to partition`;
      if (this.shape === 'bridge' || this.shape === 'majority-ring')
        return `${cluster.system} runs a single node here: only its clients can be cut off (partition-isolate)`;
    }
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
    // A lone node's other side is the clients on its spare address.
    const spare = ids.length === 1 ? this.options.spareClients?.() : undefined;
    const members = spare ? [...ids, SPARE_SIDE] : ids;
    const cuts = spare ? [[ids[0]!, SPARE_SIDE] as Cut] : cutsFor(this.shape, ids, rng, primaries);
    // Asked before the cut: afterwards a side may no longer reach whom it asks.
    const { quorum, quorumError } = await this.askQuorum(cluster);
    const addresses = (id: string) => {
      if (id === SPARE_SIDE) return [spare!.address];
      const node = cluster.nodes.find((n) => n.id === id)!;
      return [node.host, node.clientAddress];
    };
    const rules = await this.firewall.cut(cuts, addresses);
    const sees = describeCuts(members, cuts);
    const sides = describeSides(quorum, sees);
    return {
      f: this.name,
      value: {
        nodes: withoutQuorum(members, sees, sides),
        shape: this.shape,
        ...(primaries ? { primaries } : {}),
        sees,
        sides,
        ...(spare
          ? { clients: { side: SPARE_SIDE, threads: spare.threads, stride: spare.stride } }
          : {}),
        ...(quorum ? { quorum } : {}),
        ...(quorumError ? { quorumError } : {}),
        rules: rules.length,
      },
    };
  }

  private async askQuorum(
    cluster: Cluster,
  ): Promise<{ quorum?: QuorumRule; quorumError?: string }> {
    if (!cluster.quorum) return {};
    try {
      const keys = this.options.keys?.() ?? [];
      return { quorum: await cluster.quorum({ workload: this.options.workload ?? 'kv', keys }) };
    } catch (error) {
      // The cut still happens; its sides' roles are then unknown.
      return { quorumError: (error as Error).message };
    }
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

/** The side of a lone node's clients cut off it, in a partition record. */
export const SPARE_SIDE = 'clients';

/**
 * `nodes` of the record (the progress line, the fault list): the sides
 * known not to hold the quorum; where none is known to lack it (every side
 * holds a copy enough, or the quorum is per key), the nodes that reach no
 * majority of nodes, and for shapes with none (a ring) every node that
 * lost a peer. The checkers read `sides` and `quorum`, not this.
 */
function withoutQuorum(
  ids: readonly string[],
  sees: Record<string, string[]>,
  sides: readonly { nodes: string[]; quorum: boolean | null }[],
): string[] {
  if (sides.some((s) => s.quorum === false))
    return ids.filter((id) => sides.some((s) => s.quorum === false && s.nodes.includes(id)));
  const majority = Math.floor(ids.length / 2) + 1;
  const minority = ids.filter((id) => sees[id]!.length + 1 < majority);
  return minority.length > 0 ? minority : ids.filter((id) => sees[id]!.length < ids.length - 1);
}
