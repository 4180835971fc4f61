import { mkdirSync } from 'node:fs';
import { chmod, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { waitUntil } from '../../core/processes.ts';
import { type MajorityRule, nodeMajority } from '../../core/quorum.ts';
import { NodeCluster } from '../node-cluster.ts';
import type { NodeHandle, ProvisionOptions } from '../types.ts';
import { adminQuery } from './admin.ts';
import type { SqlRouter } from './client.ts';
import { parseAccount, prepareNodeDir } from './cluster-files.ts';
import { SUBNET } from './galera.ts';
import { SOCKETS, socketPath } from './my-cnf.ts';
import {
  allDataNodesStarted,
  HEARTBEAT_MS,
  ndbConfigIni,
  ndbMyCnf,
  ndbStartScript,
} from './ndb-files.ts';
import { SCHEMA, USERS } from './schema.ts';

const FORM_TIMEOUT_MS = 240_000;
const TOOL_TIMEOUT_MS = 120_000;

/**
 * MySQL NDB Cluster, as the official `mysql/mysql-cluster` image runs it:
 * each node a host with a data node and an SQL node, the first also the
 * management server (ndb-files.ts). A kill is a host's crash: its data
 * node and SQL node at once. Every SQL node reaches every row: workers
 * send their statements to the host they are pinned to. NDB has no
 * package in the registries this machine reaches: this cluster runs on
 * the docker provider with an image that has it.
 */
export class NdbCluster extends NodeCluster implements SqlRouter {
  constructor(options: ProvisionOptions, port: number) {
    super(options, { system: 'mysql-cluster', subnet: SUBNET, port });
    for (const node of this.nodes) mkdirSync(this.dir(node), { recursive: true });
  }

  route(pinned: NodeHandle): NodeHandle {
    return pinned;
  }

  protected command(node: NodeHandle) {
    const script = join(this.dir(node), 'start.sh');
    return { program: 'bash', args: [script], marker: script, shared: [SOCKETS] };
  }

  socket(node: NodeHandle): string {
    return socketPath(this.dir(node));
  }

  /** The SQL node answers on its socket (connected to the data nodes or not). */
  protected async ready(node: NodeHandle): Promise<boolean> {
    await adminQuery(this.socket(node), 'SELECT 1', 500);
    return true;
  }

  protected override readyTimeoutMs(): number {
    return FORM_TIMEOUT_MS;
  }

  async create(): Promise<void> {
    await mkdir(SOCKETS, { recursive: true });
    await chmod(SOCKETS, 0o1777);
    const [management] = this.nodes;
    const account = parseAccount(await this.exec(management!, 'id', ['mysql'], TOOL_TIMEOUT_MS));
    const dirOf = (n: NodeHandle) => this.dir(n);
    await writeFile(join(this.dir(management!), 'config.ini'), ndbConfigIni(this.nodes, dirOf));
    for (const [i, node] of this.nodes.entries()) {
      const dir = this.dir(node);
      await prepareNodeDir(dir, ndbMyCnf(node, i, management!, dir), account);
      const configDir = i === 0 ? dir : undefined;
      await writeFile(join(dir, 'start.sh'), ndbStartScript(i, management!, dir, configDir));
      await this.initializeSqlNode(node);
    }
    await Promise.all(this.nodes.map((n) => this.start(n.id)));
    await this.settle(FORM_TIMEOUT_MS);
    // Accounts are each SQL node's own; databases and NDB tables are the cluster's.
    for (const node of this.nodes) await adminQuery(this.socket(node), USERS);
    await adminQuery(this.socket(management!), SCHEMA);
  }

  /** The SQL node's own system tables, NDB left out (there is no cluster yet). */
  private async initializeSqlNode(node: NodeHandle): Promise<void> {
    const dir = this.dir(node);
    if ((await readdir(join(dir, 'data'))).includes('mysql')) return;
    await this.exec(
      node,
      'mysqld',
      [`--defaults-file=${join(dir, 'my.cnf')}`, '--initialize-insecure', '--skip-ndbcluster'],
      TOOL_TIMEOUT_MS,
    );
  }

  /** Every host up, every data node STARTED, as every SQL node sees it. */
  async settle(timeoutMs: number): Promise<void> {
    await waitUntil(
      `ndb cluster of ${this.nodes.length} hosts to have every data node started`,
      async () => {
        for (const node of this.nodes) {
          if (!this.isUp(node.id)) return false;
          const rows = await adminQuery<{ node_id: number; status: string }>(
            this.socket(node),
            'SELECT node_id, status FROM ndbinfo.nodes',
          ).catch(() => []);
          if (!allDataNodesStarted(rows, this.nodes.length)) return false;
        }
        return true;
      },
      timeoutMs,
      500,
    );
  }

  /**
   * NDB's survival rule with one node group: the side holding more than
   * half of the data nodes goes on (half exactly: the one the management
   * server's arbitration picks); the others shut their data nodes down,
   * once four heartbeats were missed.
   */
  async quorum(): Promise<MajorityRule> {
    return nodeMajority(this.nodes, 4 * HEARTBEAT_MS, 'data nodes');
  }

  override async teardown(): Promise<void> {
    await super.teardown();
    await Promise.all(this.nodes.map((n) => rm(this.socket(n), { force: true })));
  }
}
