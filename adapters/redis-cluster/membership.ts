import { waitUntil } from '../../core/processes.ts';
import type { NodeHandle } from '../types.ts';
import { infoFields, nodeCommand } from './admin.ts';

/** One line of CLUSTER NODES, the parts a membership change needs. */
export interface ClusterNode {
  id: string;
  /** host:port of the node's clients. */
  address: string;
  master: boolean;
  /** The id of its master, for a replica. */
  masterId: string | undefined;
  /** Hash slots it serves (ranges and single slots, counted). */
  slots: number;
  connected: boolean;
}

/**
 * CLUSTER NODES as a list
 * (`<id> <ip:port@bus> <flags> <master-id> <ping> <pong> <epoch> <link> <slots...>`);
 * slots being imported or migrated (`[n->-id]`) are not counted.
 */
export function clusterNodes(text: string): ClusterNode[] {
  return text
    .split('\n')
    .map((line) => line.trim().split(' '))
    .filter((f) => f.length >= 8)
    .map((f) => ({
      id: f[0]!,
      address: f[1]!.split('@')[0]!,
      master: f[2]!.split(',').includes('master'),
      masterId: f[3] === '-' ? undefined : f[3],
      slots: f.slice(8).reduce((sum, range) => {
        if (range.startsWith('[')) return sum;
        const [from, to] = range.split('-').map(Number);
        return sum + (to === undefined ? 1 : to - from! + 1);
      }, 0),
      connected: f[7] === 'connected',
    }));
}

/** What a membership change needs of the cluster it changes. */
export interface RedisMembershipHost {
  nodes(): readonly NodeHandle[];
  /**
   * A new node on the next address, started empty, then `join`ed; stopped
   * and forgotten if the join fails. Resolves with its id.
   */
  addNode(join: (node: NodeHandle) => Promise<void>): Promise<string>;
  /** Stops the node for good and forgets it. */
  remove(id: string): Promise<void>;
  /** redis-cli with these arguments, beside any node. */
  cli(args: string[], timeoutMs: number): Promise<string>;
}

const AGREE_TIMEOUT_MS = 30_000;
/** Moving a master's slots is MIGRATE of each key, a batch at a time. */
const MOVE_TIMEOUT_MS = 300_000;

/**
 * Membership changes the way Redis Cluster's own tutorial makes them:
 * - grow: `redis-cli --cluster add-node`, then `rebalance
 *   --cluster-use-empty-masters` moves its share of hash slots to the new
 *   master, key by key (MIGRATE; clients follow ASK and MOVED);
 * - shrink: a replica is simply deleted (`del-node`, which makes every
 *   other node FORGET it and shuts it down); a master with a replica is
 *   first demoted by a manual CLUSTER FAILOVER of that replica (no write is
 *   lost: the master stops writes until its replica has caught up), a
 *   master alone has its slots moved away (`rebalance`, weight 0); then
 *   the node, now empty, is deleted.
 * Each step waits until every node agrees on the nodes and their slots,
 * which redis-cli checks before it moves anything.
 */
export class RedisMembership {
  constructor(private readonly host: RedisMembershipHost) {}

  grow(): Promise<string> {
    return this.host.addNode(async (node) => {
      const via = this.other(node.id);
      await this.host.cli(
        ['--cluster', 'add-node', `${node.host}:${node.port}`, address(via)],
        AGREE_TIMEOUT_MS,
      );
      await this.agreement(`${node.id} to be known to every node`);
      await this.host.cli(
        ['--cluster', 'rebalance', address(via), '--cluster-use-empty-masters'],
        MOVE_TIMEOUT_MS,
      );
      await this.agreement(`the slots moved to ${node.id} to be agreed`);
    });
  }

  async shrink(id: string): Promise<void> {
    const node = this.node(id);
    const via = this.other(id);
    const view = clusterNodes(await nodeCommand(via.host, via.port, ['CLUSTER', 'NODES']));
    const self = view.find((n) => n.address === address(node));
    if (!self) throw new Error(`redis-cluster: ${id} is not in the cluster`);
    if (self.master) {
      const replica = view.find((n) => n.masterId === self.id && n.connected);
      const replicaNode = replica && this.nodeAt(replica.address);
      if (replicaNode) await this.failover(replicaNode, node);
      else if (self.slots > 0) {
        await this.host.cli(
          ['--cluster', 'rebalance', address(via), '--cluster-weight', `${self.id}=0`],
          MOVE_TIMEOUT_MS,
        );
        await this.agreement(`the slots of ${id} to move away`, (nodes) =>
          nodes.every((n) => n.id !== self.id || n.slots === 0),
        );
      }
    }
    await this.host.cli(['--cluster', 'del-node', address(via), self.id], AGREE_TIMEOUT_MS);
    await this.host.remove(id);
    await this.agreement(`${id} to be forgotten`);
  }

  /** Demotes `master` to a replica of `replica`, which takes its slots. */
  private async failover(replica: NodeHandle, master: NodeHandle): Promise<void> {
    await nodeCommand(replica.host, replica.port, ['CLUSTER', 'FAILOVER'], 5000);
    await waitUntil(
      `${replica.id} to take over from ${master.id} (manual failover)`,
      async () =>
        (await role(replica)) === 'master' &&
        (await role(master)) === 'slave' &&
        (await linked(master)),
      AGREE_TIMEOUT_MS,
      100,
    );
    await this.agreement(`the failover of ${master.id} to ${replica.id} to be agreed`);
  }

  /**
   * Until every node lists the same nodes, all connected, with the same
   * slots each, in cluster_state ok (and `extra` holds).
   */
  private agreement(
    what: string,
    extra: (nodes: ClusterNode[]) => boolean = () => true,
  ): Promise<void> {
    return waitUntil(
      what,
      async () => {
        let first: string | undefined;
        for (const node of this.host.nodes()) {
          const info = infoFields(await nodeCommand(node.host, node.port, ['CLUSTER', 'INFO']));
          if (info.get('cluster_state') !== 'ok') return false;
          const view = clusterNodes(await nodeCommand(node.host, node.port, ['CLUSTER', 'NODES']));
          if (view.length !== this.host.nodes().length || !view.every((n) => n.connected))
            return false;
          if (!extra(view)) return false;
          const signature = view
            .map((n) => `${n.id}:${n.master ? n.slots : `>${n.masterId}`}`)
            .sort()
            .join(' ');
          if (first !== undefined && signature !== first) return false;
          first = signature;
        }
        return true;
      },
      AGREE_TIMEOUT_MS,
      200,
    );
  }

  private node(id: string): NodeHandle {
    const node = this.host.nodes().find((n) => n.id === id);
    if (!node) throw new Error(`no node ${id} in the redis-cluster cluster`);
    return node;
  }

  private nodeAt(hostPort: string): NodeHandle | undefined {
    return this.host.nodes().find((n) => address(n) === hostPort);
  }

  /** A node other than `id` to run redis-cli against. */
  private other(id: string): NodeHandle {
    const node = this.host.nodes().find((n) => n.id !== id);
    if (!node) throw new Error(`redis-cluster: no node besides ${id}`);
    return node;
  }
}

const address = (node: NodeHandle) => `${node.host}:${node.port}`;

async function role(node: NodeHandle): Promise<string | undefined> {
  return infoFields(await nodeCommand(node.host, node.port, ['INFO', 'replication'])).get('role');
}

/** A replica whose link to its master is up. */
async function linked(node: NodeHandle): Promise<boolean> {
  const info = infoFields(await nodeCommand(node.host, node.port, ['INFO', 'replication']));
  return info.get('master_link_status') === 'up';
}
