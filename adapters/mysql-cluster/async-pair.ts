import { join } from 'node:path';
import { waitUntil } from '../../core/processes.ts';
import { type MajorityRule, nodeMajority } from '../../core/quorum.ts';
import type { Cluster, NodeHandle, ProvisionOptions } from '../types.ts';
import { adminQuery, clientConnection } from './admin.ts';
import { MariadbCluster } from './mariadb-cluster.ts';
import { asyncCnf, SOCKETS } from './my-cnf.ts';
import { SCHEMA, USERS } from './schema.ts';
import type { AsyncPairSettings } from './settings.ts';

/** The async pair's loopback subnet: its nodes are 127.0.17.n (core/addresses.ts). */
export const SUBNET = 7;

/** How long a promotion waits for the replica to apply what it already received. */
const RELAY_APPLY_TIMEOUT_MS = 60_000;

const READY_TIMEOUT_MS = 60_000;
const PROBE_EVERY_MS = 250;

/** Where a node stands: the primary, a replica of it, or a former primary that could not follow the new one. */
type Role = 'primary' | 'replica' | 'former-primary' | 'diverged';

export interface Failover {
  /** Milliseconds since the epoch. */
  at: number;
  from: string;
  to: string;
  /** The last transaction (GTID sequence number) the promoted replica had received. */
  received: number;
  /**
   * Transactions the old primary had committed that the replica never
   * received, known once the old primary is back (its binlog's last
   * sequence number minus `received`): what the failover could not save.
   */
  notReceived?: number;
}

/**
 * The classic MySQL setup the Galera row is held against: a primary, a
 * replica fed by asynchronous binlog replication (GTIDs), and a failover
 * manager (as MHA or Orchestrator would) that promotes the replica once the
 * primary has been unreachable for `failoverAfterMs`. The manager watches
 * from beside the replica (its probes leave from the replica's client
 * address), so it sees what the replica's side of a partition sees. A former
 * primary that comes back is made read-only and pointed at the new primary;
 * if it had acknowledged writes the new primary never received, GTID strict
 * mode stops its replication and it stays `diverged`.
 */
export class AsyncPairCluster extends MariadbCluster {
  readonly failovers: Failover[] = [];
  private readonly roles = new Map<string, Role>();
  /**
   * MariaDB's replication client cannot choose its source address (no
   * MASTER_BIND): a preload binds it to the node's own, or a partition by
   * address would leave the replication stream flowing.
   */
  protected override readonly bindsPeerConnections = true;
  private primaryId = 'n1';
  private unreachableSince: number | undefined;
  private timer: NodeJS.Timeout | undefined;
  private busy = false;

  constructor(
    options: ProvisionOptions,
    private readonly settings: AsyncPairSettings,
  ) {
    super('mysql-async', SUBNET, options, settings.port);
  }

  /**
   * For the report: each node's seconds behind its primary (0 on the
   * primary), and, on a promoted replica, the transactions its failovers
   * could not save (never received).
   */
  readonly internals: Cluster['internals'] = {
    metrics: [
      { name: 'secondsBehind', label: 'seconds behind the primary (replication lag)' },
      { name: 'notReceived', label: 'transactions lost to failover (never received)' },
    ],
    read: async (id) => {
      const node = this.node(id);
      const [status] = await adminQuery<{ Seconds_Behind_Master?: number | null }>(
        this.socket(node),
        'SHOW SLAVE STATUS',
      );
      const notReceived = this.failovers
        .filter((f) => f.to === id)
        .reduce((n, f) => n + (f.notReceived ?? 0), 0);
      return { secondsBehind: Number(status?.Seconds_Behind_Master ?? 0), notReceived };
    },
  };

  get primary(): NodeHandle {
    return this.node(this.primaryId);
  }

  /** Every worker writes and reads through the primary of the moment (a virtual IP, in effect). */
  route(): NodeHandle {
    return this.primary;
  }

  protected command(node: NodeHandle) {
    const cnf = join(this.home(node), 'my.cnf');
    return {
      program: this.server,
      args: [`--defaults-file=${cnf}`],
      marker: cnf,
      shared: [SOCKETS],
    };
  }

  /** `read_only` is not in my.cnf (roles change): a restarted non-primary gets it again. */
  override async start(id: string, options: { env?: Record<string, string> } = {}): Promise<void> {
    await super.start(id, options);
    if (this.roles.get(id) !== 'primary' && this.roles.has(id))
      await adminQuery(this.socket(this.node(id)), 'SET GLOBAL read_only = 1');
  }

  async create(): Promise<void> {
    await this.prepareNodes((node, home) => asyncCnf(node, this.nodes.indexOf(node) + 1, home));
    await Promise.all(this.nodes.map((n) => this.installSystemTables(n)));
    await Promise.all(this.nodes.map((n) => this.start(n.id)));
    const [primary, ...replicas] = this.nodes;
    // Accounts and tables replicate to the replicas from the binlog's start.
    await adminQuery(this.socket(primary!), [...USERS, ...SCHEMA]);
    this.roles.set(primary!.id, 'primary');
    for (const replica of replicas) {
      await this.follow(replica, primary!, 'slave_pos');
      this.roles.set(replica.id, 'replica');
    }
    await this.settle(READY_TIMEOUT_MS);
    this.timer = setInterval(() => void this.watch(), PROBE_EVERY_MS);
    this.timer.unref();
  }

  /**
   * A primary and one replica have no quorum to hold: each side decides
   * alone (the primary keeps serving, the manager promotes the replica
   * after `failoverAfterMs`), so a cut between them leaves no side with a
   * majority of the two.
   */
  async quorum(): Promise<MajorityRule> {
    return nodeMajority(this.nodes, this.settings.failoverAfterMs);
  }

  async primaries(): Promise<string[]> {
    return this.isUp(this.primaryId) ? [this.primaryId] : [];
  }

  /**
   * Settled: the primary up, no failover pending, and every node that
   * follows it has applied everything the primary has (a diverged node never
   * will, and is left as it is: that is the result).
   */
  async settle(timeoutMs: number): Promise<void> {
    await waitUntil(
      'async pair to settle (replicas caught up with the primary)',
      async () => {
        if (!this.isUp(this.primaryId) || this.unreachableSince !== undefined) return false;
        const [primary] = await adminQuery<{ pos: string }>(
          this.socket(this.primary),
          'SELECT @@gtid_binlog_pos AS pos',
        );
        for (const node of this.nodes) {
          const role = this.roles.get(node.id);
          if (role === 'primary' || role === 'diverged') continue;
          if (role === 'former-primary' || !this.isUp(node.id)) return false;
          const [applied] = await adminQuery<{ pos: string }>(
            this.socket(node),
            'SELECT @@gtid_slave_pos AS pos',
          );
          if (applied?.pos !== primary?.pos) return false;
        }
        return true;
      },
      timeoutMs,
      250,
    );
  }

  override async teardown(): Promise<void> {
    clearInterval(this.timer);
    await super.teardown();
  }

  /** One round of the failover manager. */
  private async watch(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const candidate = this.nodes.find((n) => this.roles.get(n.id) === 'replica');
      if (candidate) await this.watchPrimary(candidate);
      for (const node of this.nodes)
        if (this.roles.get(node.id) === 'former-primary') await this.demote(node);
    } catch {
      // A node stopped under our feet: the next round sees the new state.
    } finally {
      this.busy = false;
    }
  }

  private async watchPrimary(candidate: NodeHandle): Promise<void> {
    if (await this.reachable(this.primary, candidate.clientAddress)) {
      this.unreachableSince = undefined;
      return;
    }
    this.unreachableSince ??= Date.now();
    if (Date.now() - this.unreachableSince < this.settings.failoverAfterMs) return;
    if (!this.isUp(candidate.id)) return;
    const received = await this.applyRelayLog(candidate);
    // Promote: stop applying, forget the old primary, accept writes.
    await adminQuery(this.socket(candidate), [
      'STOP SLAVE',
      'RESET SLAVE ALL',
      'SET GLOBAL read_only = 0',
    ]);
    const from = this.primaryId;
    this.roles.set(from, 'former-primary');
    this.roles.set(candidate.id, 'primary');
    this.primaryId = candidate.id;
    this.unreachableSince = undefined;
    this.failovers.push({ at: Date.now(), from, to: candidate.id, received });
  }

  /**
   * Before a promotion, as MHA and Orchestrator do: stop receiving, then
   * apply every transaction already received (RESET SLAVE ALL throws the
   * relay log away, and with it writes the old primary had shipped). Only
   * what never reached the replica is lost to the failover. Bounded, so a
   * replica far behind is promoted anyway and the loss is measured.
   * Returns the last transaction received.
   */
  private async applyRelayLog(candidate: NodeHandle): Promise<number> {
    const socket = this.socket(candidate);
    await adminQuery(socket, 'STOP SLAVE IO_THREAD');
    const [status] = await adminQuery<{ Gtid_IO_Pos?: string }>(socket, 'SHOW SLAVE STATUS');
    const received = status?.Gtid_IO_Pos;
    if (!received) return 0;
    const waitS = RELAY_APPLY_TIMEOUT_MS / 1000;
    await adminQuery(
      socket,
      `SELECT MASTER_GTID_WAIT('${received.replace(/[^0-9,-]/g, '')}', ${waitS}) AS waited`,
      RELAY_APPLY_TIMEOUT_MS + 5_000,
    );
    return lastSequence(received);
  }

  /**
   * A former primary, once the new primary can reach it: read-only, then a
   * replica of the new primary from its own GTID position. Writes it
   * acknowledged alone make that position unknown to the new primary, and
   * replication stops with an error: it is then `diverged`.
   */
  private async demote(node: NodeHandle): Promise<void> {
    if (!this.isUp(node.id) || !(await this.reachable(node, this.primary.clientAddress))) return;
    await adminQuery(this.socket(node), 'SET GLOBAL read_only = 1');
    const [own] = await adminQuery<{ pos: string }>(
      this.socket(node),
      'SELECT @@gtid_binlog_pos AS pos',
    );
    const failover = this.failovers.findLast((f) => f.from === node.id);
    if (failover && failover.notReceived === undefined)
      failover.notReceived = Math.max(0, lastSequence(own?.pos ?? '') - failover.received);
    await this.follow(node, this.primary, 'current_pos');
    this.roles.set(node.id, 'replica');
    // Either it catches up with the primary, or the primary refuses its
    // position (1236: it holds transactions the primary never had).
    await waitUntil(
      `${node.id} to replicate from ${this.primaryId}`,
      async () => {
        const [status] = await adminQuery<Record<string, unknown>>(
          this.socket(node),
          'SHOW SLAVE STATUS',
        );
        if (Number(status?.Last_IO_Errno ?? 0) !== 0) {
          this.roles.set(node.id, 'diverged');
          return true;
        }
        const [primary] = await adminQuery<{ pos: string }>(
          this.socket(this.primary),
          'SELECT @@gtid_binlog_pos AS pos',
        );
        const [applied] = await adminQuery<{ pos: string }>(
          this.socket(node),
          'SELECT @@gtid_slave_pos AS pos',
        );
        return applied?.pos === primary?.pos;
      },
      5_000,
      200,
    ).catch(() => {});
  }

  /** Points `node` at `primary` (its replication connection leaves from its own address: see beforeStart). */
  private async follow(
    node: NodeHandle,
    primary: NodeHandle,
    gtid: 'slave_pos' | 'current_pos',
  ): Promise<void> {
    await adminQuery(this.socket(node), [
      'STOP SLAVE',
      `CHANGE MASTER TO MASTER_HOST='${primary.host}', MASTER_PORT=${primary.port}, MASTER_USER='repl', MASTER_PASSWORD='', MASTER_USE_GTID=${gtid}, MASTER_CONNECT_RETRY=1`,
      'SET GLOBAL read_only = 1',
      'START SLAVE',
    ]);
  }

  /** Can a client at `from` run a statement on `node`? */
  private async reachable(node: NodeHandle, from: string): Promise<boolean> {
    const timeout = Math.min(1000, this.settings.failoverAfterMs / 2);
    try {
      const connection = await clientConnection(node, from, timeout);
      try {
        await connection.query({ sql: 'SELECT 1', timeout });
        return true;
      } finally {
        connection.destroy();
      }
    } catch {
      return false;
    }
  }
}

/** The highest sequence number in a GTID list (`0-1-13343,1-2-7`): one domain here, numbered across servers. */
export function lastSequence(gtids: string): number {
  return Math.max(0, ...gtids.split(',').map((g) => Number(g.trim().split('-')[2] ?? 0) || 0));
}
