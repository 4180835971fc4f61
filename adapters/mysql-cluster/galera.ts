import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ClusterMembership } from '../../core/contracts.ts';
import { waitUntil } from '../../core/processes.ts';
import { type MajorityRule, nodeMajority } from '../../core/quorum.ts';
import type { NodeHandle, ProvisionOptions } from '../types.ts';
import { adminQuery, statusOf } from './admin.ts';
import { MariadbCluster } from './mariadb-cluster.ts';
import { galeraCnf, SOCKETS } from './my-cnf.ts';
import { SCHEMA, USERS } from './schema.ts';
import type { GaleraSettings } from './settings.ts';

/** The Galera cluster's loopback subnet: its nodes are 127.0.16.n (core/addresses.ts). */
export const SUBNET = 6;

const READY_TIMEOUT_MS = 60_000;
/** A joiner's full state transfer copies every table (rsync) while the donor serves. */
const JOIN_TIMEOUT_MS = 180_000;

/**
 * A MariaDB Galera cluster of real mariadbd processes on 127.0.16.n: the
 * first node bootstraps a new cluster, the others join it by a full state
 * transfer (rsync). A node restarted after kill -9 first recovers its last
 * committed position (`--wsrep-recover`), so it rejoins by an incremental
 * transfer instead of a full copy. Every node is a primary: workers send
 * their statements to the node they are pinned to.
 */
export class GaleraCluster extends MariadbCluster {
  /** Nodes that have run before: a start after a crash recovers its position first. */
  private readonly started = new Set<string>();
  private readonly startPosition = new Map<string, string>();
  private bootstrapping = false;

  constructor(
    options: ProvisionOptions,
    private readonly settings: GaleraSettings,
  ) {
    super('mysql-cluster', SUBNET, options, settings.port);
  }

  route(pinned: NodeHandle): NodeHandle {
    return pinned;
  }

  protected command(node: NodeHandle) {
    const cnf = join(this.home(node), 'my.cnf');
    const position = this.startPosition.get(node.id);
    return {
      program: this.server,
      args: [
        `--defaults-file=${cnf}`,
        ...(this.bootstrapping ? ['--wsrep-new-cluster'] : []),
        ...(position ? [`--wsrep-start-position=${position}`] : []),
      ],
      marker: cnf,
      shared: [SOCKETS],
    };
  }

  /**
   * After kill -9 grastate.dat says seqno -1 and a plain start would ask
   * for a full copy: `--wsrep-recover` reads the last committed position
   * from InnoDB, and the start passes it on.
   */
  protected override async beforeStart(node: NodeHandle): Promise<void> {
    this.startPosition.delete(node.id);
    if (!this.started.has(node.id)) {
      this.started.add(node.id);
      return;
    }
    const cnf = join(this.home(node), 'my.cnf');
    const log = join(this.home(node), 'error.log');
    const before = (await readFile(log, 'utf8').catch(() => '')).length;
    await this.exec(node, this.server, [`--defaults-file=${cnf}`, '--wsrep-recover'], 60_000);
    const text = (await readFile(log, 'utf8')).slice(before);
    const recovered = [...text.matchAll(/Recovered position:?\s+([0-9a-f-]{36}:-?\d+)/g)].pop();
    if (recovered && !recovered[1]!.endsWith(':-1')) this.startPosition.set(node.id, recovered[1]!);
  }

  /** Bootstraps on n1, creates the schema, then joins the others one by one (one donor at a time). */
  async create(): Promise<void> {
    await this.prepareNodes((node, home) => galeraCnf(node, this.nodes, home, this.settings));
    const [first, ...rest] = this.nodes;
    await this.installSystemTables(first!);
    this.bootstrapping = true;
    try {
      await this.start(first!.id);
    } finally {
      this.bootstrapping = false;
    }
    await this.waitSynced([first!], READY_TIMEOUT_MS);
    await adminQuery(this.socket(first!), [...USERS, ...SCHEMA]);
    for (const node of rest) {
      await this.start(node.id);
      await this.waitSynced([node], READY_TIMEOUT_MS);
    }
    await this.settle(READY_TIMEOUT_MS);
  }

  /**
   * Membership changes, on either provider: a new node joins by a full
   * state transfer (rsync) from a donor Galera picks, and a node leaves cleanly (SHUTDOWN: it says goodbye to the group, so
   * the others shrink the component at once, with no suspicion timeout).
   * At least 2 nodes remain, so a clean leave keeps the primary component.
   */
  get membership(): ClusterMembership | undefined {
    return { grow: () => this.grow(), shrink: (id) => this.shrink(id), minNodes: 2 };
  }

  private async grow(): Promise<string> {
    return this.joinNewNode(async (node) => {
      await this.prepareNodes((n, home) => galeraCnf(n, this.nodes, home, this.settings), [node]);
      await this.start(node.id);
      await this.waitSynced([node], JOIN_TIMEOUT_MS);
      await this.settle(READY_TIMEOUT_MS);
    });
  }

  private async shrink(id: string): Promise<void> {
    const node = this.node(id);
    await adminQuery(this.socket(node), 'SHUTDOWN');
    await waitUntil(`galera node ${id} to shut down`, async () => !this.isUp(id), READY_TIMEOUT_MS);
    await this.removeNode(id);
    await this.settle(READY_TIMEOUT_MS);
  }

  /** Every node up, Synced, and in one primary component of every node. */
  async settle(timeoutMs: number): Promise<void> {
    await waitUntil(
      `galera cluster of ${this.nodes.length} to be whole and Synced`,
      async () => {
        for (const node of this.nodes) {
          if (!this.isUp(node.id)) return false;
          const status = await statusOf(this.socket(node), 'wsrep_%');
          if (
            status.get('wsrep_cluster_status') !== 'Primary' ||
            status.get('wsrep_local_state_comment') !== 'Synced' ||
            Number(status.get('wsrep_cluster_size')) !== this.nodes.length
          )
            return false;
        }
        return true;
      },
      timeoutMs,
      250,
    );
  }

  /**
   * Galera's primary component: the nodes that reach more than half of the
   * last component (equal weights); the others turn non-Primary and refuse
   * once they have dropped their peers (the inactive timeout).
   */
  async quorum(): Promise<MajorityRule> {
    return nodeMajority(this.nodes, this.settings.inactiveTimeoutMs);
  }

  private async waitSynced(nodes: NodeHandle[], timeoutMs: number): Promise<void> {
    await waitUntil(
      `galera node(s) ${nodes.map((n) => n.id).join(', ')} to be Synced`,
      async () => {
        for (const node of nodes) {
          const status = await statusOf(this.socket(node), 'wsrep_local_state_comment');
          if (status.get('wsrep_local_state_comment') !== 'Synced') return false;
        }
        return true;
      },
      timeoutMs,
      250,
    );
  }
}
