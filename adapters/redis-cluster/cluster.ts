import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ClusterMembership } from '../../core/contracts.ts';
import { waitUntil } from '../../core/processes.ts';
import type { MajorityRule } from '../../core/quorum.ts';
import { NodeCluster } from '../node-cluster.ts';
import type { NodeHandle, ProvisionOptions } from '../types.ts';
import { infoFields, nodeCommand } from './admin.ts';
import { redisCli, redisServer } from './engine.ts';
import { RedisMembership } from './membership.ts';
import type { RedisSettings } from './settings.ts';

/** This system's loopback subnet: its nodes are 127.0.12.n (core/addresses.ts). */
export const SUBNET = 2;

/** In a container, the image's own, on its PATH (Debian's /usr/bin, the official image's /usr/local/bin). */
const IMAGE_SERVER = 'redis-server';
const IMAGE_CLI = 'redis-cli';
const READY_TIMEOUT_MS = 30_000;

/**
 * A Redis Cluster of real redis-server processes, one per address
 * (127.0.12.n), formed by `redis-cli --cluster create`. Each node binds its
 * own address for listening *and* for its outgoing bus and replication
 * connections (`--bind-source-addr`), or partitions by address would miss
 * that traffic.
 */
export class RedisCluster extends NodeCluster {
  private readonly server: string;

  constructor(
    options: ProvisionOptions,
    private readonly settings: RedisSettings,
  ) {
    super(options, { system: 'redis-cluster', subnet: SUBNET, port: settings.port });
    const server = this.hostProcesses ? redisServer() : IMAGE_SERVER;
    if (!server) throw new Error('redis-server is not installed: npm run setup redis-cluster');
    this.server = server;
    for (const node of this.nodes) mkdirSync(this.dir(node), { recursive: true });
  }

  /**
   * Membership changes on either provider (redis-cli runs beside a node: in
   * its container on docker). At least three masters, the fewest
   * `--cluster create` makes.
   */
  get membership(): ClusterMembership | undefined {
    const changes = new RedisMembership({
      nodes: () => this.nodes,
      addNode: (join) =>
        this.joinNewNode(async (node) => {
          mkdirSync(this.dir(node), { recursive: true });
          await this.start(node.id);
          await join(node);
        }),
      remove: (id) => this.removeNode(id),
      cli: (args, timeoutMs) => this.exec(this.nodes[0]!, this.cli(), args, timeoutMs),
    });
    return { grow: () => changes.grow(), shrink: (id) => changes.shrink(id), minNodes: 3 };
  }

  private cli(): string {
    const cli = this.hostProcesses ? redisCli() : IMAGE_CLI;
    if (!cli) throw new Error('redis-cli is not installed: npm run setup redis-cluster');
    return cli;
  }

  protected command(node: NodeHandle) {
    const dir = this.dir(node);
    const config = join(dir, 'nodes.conf');
    return {
      program: this.server,
      args: [
        ...['--bind', node.host, '--bind-source-addr', node.host, '--port', String(node.port)],
        // Protected mode counts only 127.0.0.1 as local: replicas connecting
        // from 127.0.12.x would be refused. Every node binds loopback only.
        ...['--protected-mode', 'no', '--cluster-enabled', 'yes'],
        ...['--cluster-config-file', config],
        ...['--cluster-node-timeout', String(this.settings.nodeTimeoutMs)],
        ...['--appendonly', 'yes', '--appendfsync', this.settings.appendfsync, '--save', ''],
        ...['--repl-diskless-sync-delay', '0', '--dir', dir, '--logfile', ''],
      ],
      marker: config,
    };
  }

  protected async ready(node: NodeHandle): Promise<boolean> {
    return (await nodeCommand(node.host, node.port, ['PING'], 300)) === 'PONG';
  }

  /** Starts every node, forms the cluster, and waits until it is whole. */
  async create(): Promise<void> {
    await Promise.all(this.nodes.map((n) => this.start(n.id)));
    await this.exec(
      this.nodes[0]!,
      this.cli(),
      [
        '--cluster',
        'create',
        ...this.nodes.map((n) => `${n.host}:${n.port}`),
        '--cluster-replicas',
        String(this.settings.replicas),
        '--cluster-yes',
      ],
      READY_TIMEOUT_MS,
    );
    // A replica that never synced refuses to fail over: wait for every link.
    await waitUntil(
      'redis cluster (state ok, every replica linked)',
      async () => {
        for (const node of this.nodes) {
          const state = infoFields(await nodeCommand(node.host, node.port, ['CLUSTER', 'INFO']));
          if (state.get('cluster_state') !== 'ok') return false;
          const replication = infoFields(
            await nodeCommand(node.host, node.port, ['INFO', 'replication']),
          );
          if (replication.get('role') === 'slave' && replication.get('master_link_status') !== 'up')
            return false;
        }
        return true;
      },
      READY_TIMEOUT_MS,
      200,
    );
  }

  /**
   * Settled: every node up and in cluster_state ok, every replica linked to
   * its master and at the master's replication offset.
   */
  async settle(timeoutMs: number): Promise<void> {
    await waitUntil(
      'redis cluster to settle (state ok, replicas caught up)',
      async () => {
        const offsets = new Map<string, number>();
        const replicas: { master: string; offset: number }[] = [];
        for (const node of this.nodes) {
          if (!this.isUp(node.id)) return false;
          const state = infoFields(await nodeCommand(node.host, node.port, ['CLUSTER', 'INFO']));
          if (state.get('cluster_state') !== 'ok') return false;
          const info = infoFields(await nodeCommand(node.host, node.port, ['INFO', 'replication']));
          if (info.get('role') === 'master') {
            offsets.set(`${node.host}:${node.port}`, Number(info.get('master_repl_offset')));
          } else {
            if (info.get('master_link_status') !== 'up') return false;
            replicas.push({
              master: `${info.get('master_host')}:${info.get('master_port')}`,
              offset: Number(info.get('slave_repl_offset')),
            });
          }
        }
        return replicas.every((r) => offsets.get(r.master) === r.offset);
      },
      timeoutMs,
      250,
    );
  }

  /** The nodes that say they are masters now (asked of each node that answers). */
  async primaries(): Promise<string[]> {
    const masters: string[] = [];
    await Promise.all(
      this.nodes
        .filter((n) => this.isUp(n.id))
        .map(async (node) => {
          try {
            const lines = await nodeCommand(node.host, node.port, ['CLUSTER', 'NODES'], 500);
            const myself = lines.split('\n').find((l) => l.includes('myself'));
            if (myself?.split(' ')[2]?.split(',').includes('master')) masters.push(node.id);
          } catch {
            // Unreachable from here: it cannot be told apart, leave it out.
          }
        }),
    );
    return this.nodes.map((n) => n.id).filter((id) => masters.includes(id));
  }

  /**
   * Redis Cluster's quorum is its masters: a failure is agreed, and a
   * replica promoted, by a majority of the masters that serve slots, and a
   * master that reaches no such majority for the node timeout stops
   * taking writes. Asked of the first node that answers, as the cluster
   * sees itself at the moment of the cut.
   */
  async quorum(): Promise<MajorityRule> {
    const byAddress = new Map(this.nodes.map((n) => [`${n.host}:${n.port}`, n.id]));
    let lastError: unknown;
    for (const node of this.nodes.filter((n) => this.isUp(n.id))) {
      try {
        const text = await nodeCommand(node.host, node.port, ['CLUSTER', 'NODES'], 500);
        return mastersOf(text, byAddress, detectionMs(this.settings.nodeTimeoutMs));
      } catch (error) {
        lastError = error;
      }
    }
    throw new Error(
      `no redis node told its masters: ${(lastError as Error)?.message ?? 'none up'}`,
    );
  }
}

/**
 * How long a master cut from the majority of masters may still answer:
 * a peer is flagged failing once a ping has waited the node timeout, and
 * pings go out when the last pong is half a node timeout old, so the flag
 * comes 1 to 1.5 node timeouts after the cut; the state is then updated by
 * the cluster's 10 Hz cron.
 */
export function detectionMs(nodeTimeoutMs: number): number {
  return Math.ceil(nodeTimeoutMs * 1.5) + 100;
}

/**
 * The masters that serve slots, with their replicas, from CLUSTER NODES
 * (`<id> <ip:port@bus> <flags> <master-id> <ping> <pong> <epoch> <link> <slots...>`).
 */
export function mastersOf(
  text: string,
  byAddress: ReadonlyMap<string, string>,
  graceMs: number,
): MajorityRule {
  const lines = text
    .split('\n')
    .map((l) => l.trim().split(' '))
    .filter((f) => f.length >= 8);
  const idOf = new Map<string, string>();
  for (const f of lines) {
    const node = byAddress.get(f[1]!.split('@')[0]!);
    if (node) idOf.set(f[0]!, node);
  }
  const masters = lines.filter(
    (f) => f[2]!.split(',').includes('master') && f.length > 8 && idOf.has(f[0]!),
  );
  const followers: Record<string, string[]> = {};
  for (const m of masters) {
    const id = idOf.get(m[0]!)!;
    followers[id] = lines.filter((f) => f[3] === m[0]).flatMap((f) => idOf.get(f[0]!) ?? []);
  }
  const members = [...byAddress.values()].filter((id) => id in followers);
  return { rule: 'majority', of: 'masters', members, followers, graceMs };
}
