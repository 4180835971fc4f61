import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { clientAddress, nodeAddress } from '../../harness/addresses.ts';
import { LocalProcess, waitUntil } from '../../harness/processes.ts';
import type { Cluster, NodeHandle, ProvisionOptions } from '../types.ts';
import { infoFields, nodeCommand } from './admin.ts';
import { redisCli, redisServer } from './engine.ts';
import type { RedisSettings } from './settings.ts';

const run = promisify(execFile);
const READY_TIMEOUT_MS = 30_000;

/**
 * A Redis Cluster of real redis-server processes, one per address
 * (127.0.12.n), formed by `redis-cli --cluster create`. Each node binds its
 * own address for listening *and* for its outgoing bus and replication
 * connections (`--bind-source-addr`), or partitions by address would miss
 * that traffic.
 */
export class RedisLocalCluster implements Cluster {
  readonly system = 'redis-cluster';
  readonly nodes: NodeHandle[];
  private readonly processes = new Map<string, LocalProcess>();
  private readonly paused = new Set<string>();

  constructor(
    private readonly options: ProvisionOptions,
    private readonly settings: RedisSettings,
  ) {
    const server = redisServer();
    if (!server) throw new Error('redis-server is not installed: npm run setup redis-cluster');
    this.nodes = Array.from({ length: options.nodes }, (_, i) => ({
      id: `n${i + 1}`,
      host: nodeAddress('redis-cluster', i + 1),
      port: settings.port,
      clientAddress: clientAddress('redis-cluster', i + 1),
    }));
    for (const node of this.nodes) {
      const dir = join(options.dir, node.id);
      mkdirSync(dir, { recursive: true });
      const args = [
        ...['--bind', node.host, '--bind-source-addr', node.host, '--port', String(node.port)],
        // Protected mode counts only 127.0.0.1 as local: replicas connecting
        // from 127.0.12.x would be refused. Every node binds loopback only.
        ...['--protected-mode', 'no', '--cluster-enabled', 'yes'],
        ...['--cluster-config-file', join(dir, 'nodes.conf')],
        ...['--cluster-node-timeout', String(settings.nodeTimeoutMs)],
        ...['--appendonly', 'yes', '--appendfsync', settings.appendfsync, '--save', ''],
        ...['--repl-diskless-sync-delay', '0', '--dir', dir, '--logfile', ''],
      ];
      this.processes.set(node.id, new LocalProcess(server, args, join(dir, 'node.log')));
    }
  }

  /** Starts every node, forms the cluster, and waits until it is whole. */
  async create(): Promise<void> {
    await Promise.all(this.nodes.map((n) => this.start(n.id)));
    const cli = redisCli();
    if (!cli) throw new Error('redis-cli is not installed: npm run setup redis-cluster');
    try {
      await run(
        cli,
        [
          '--cluster',
          'create',
          ...this.nodes.map((n) => `${n.host}:${n.port}`),
          '--cluster-replicas',
          String(this.settings.replicas),
          '--cluster-yes',
        ],
        { timeout: READY_TIMEOUT_MS },
      );
    } catch (error) {
      const out = (error as { stdout?: string }).stdout?.trim().split('\n').slice(-3).join(' ');
      throw new Error(`redis-cli --cluster create failed: ${out || (error as Error).message}`);
    }
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

  async start(id: string, options: { env?: Record<string, string> } = {}): Promise<void> {
    const proc = this.process(id);
    if (proc.running) return;
    const pid = await proc.start(options.env);
    const node = this.node(id);
    node.pid = pid;
    this.paused.delete(id);
    this.options.onProcess?.({ node: id, pid, marker: join(this.options.dir, id, 'nodes.conf') });
    try {
      await waitUntil(
        `redis node ${id}`,
        async () => {
          if (!proc.running) throw new Error('exited');
          return (await nodeCommand(node.host, node.port, ['PING'], 300)) === 'PONG';
        },
        READY_TIMEOUT_MS,
        50,
      );
    } catch (error) {
      const tail = proc.tail();
      throw new Error(
        `redis node ${id} did not start (${(error as Error).message})${tail ? `:\n${tail}` : ''}`,
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

  async teardown(): Promise<void> {
    await Promise.all([...this.processes.values()].map((p) => p.stop()));
    this.paused.clear();
  }

  private node(id: string): NodeHandle {
    const node = this.nodes.find((n) => n.id === id);
    if (!node) throw new Error(`no node ${id} in the redis cluster`);
    return node;
  }

  private process(id: string): LocalProcess {
    this.node(id);
    return this.processes.get(id)!;
  }
}
