import { chmod, mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { NodeCluster } from '../node-cluster.ts';
import type { NodeHandle, ProvisionOptions } from '../types.ts';
import { adminQuery } from './admin.ts';
import type { SqlRouter } from './client.ts';
import { nodeHome, parseAccount, prepareNodeDir } from './cluster-files.ts';
import { installDb, mariadbd } from './engine.ts';
import { SOCKETS, socketPath } from './my-cnf.ts';

/** In a container, the image's own, on its PATH (Debian's package and the official mariadb image alike). */
const IMAGE_SERVER = 'mariadbd';
const IMAGE_INSTALL_DB = 'mariadb-install-db';
const TOOL_TIMEOUT_MS = 60_000;

/**
 * What the Galera cluster and the async pair share: mariadbd processes on
 * the system's addresses, administered as root over each node's unix socket
 * (which partitions by address leave alone), ready once SQL answers there.
 */
export abstract class MariadbCluster extends NodeCluster implements SqlRouter {
  protected readonly server: string;

  constructor(
    system: string,
    /** The row's loopback subnet (core/addresses.ts). */
    subnet: number,
    options: ProvisionOptions,
    port: number,
  ) {
    super(options, { system, subnet, port });
    const server = this.hostProcesses ? mariadbd() : IMAGE_SERVER;
    if (!server) throw new Error(`mariadbd is not installed: npm run setup ${system}`);
    this.server = server;
  }

  /** Where a worker pinned to `pinned` sends its statements. */
  abstract route(pinned: NodeHandle): NodeHandle;

  /** Starts the nodes and forms the cluster, schema included. */
  abstract create(): Promise<void>;

  private readonly homes = new Map<string, string>();

  /** Where the server keeps its files (see nodeHome); the node's run folder unless unreachable. */
  protected home(node: NodeHandle): string {
    return this.homes.get(node.id) ?? this.dir(node);
  }

  /** Chooses each node's home and writes its my.cnf there, before the first start. */
  protected async prepareNodes(
    cnf: (node: NodeHandle, home: string) => string,
    nodes: readonly NodeHandle[] = this.nodes,
  ): Promise<void> {
    // The account of wherever the server runs (this machine, or the image).
    await mkdir(SOCKETS, { recursive: true });
    await chmod(SOCKETS, 0o1777);
    const account = parseAccount(await this.exec(this.nodes[0]!, 'id', ['mysql'], TOOL_TIMEOUT_MS));
    await Promise.all(
      nodes.map(async (node) => {
        const home = await nodeHome(this.dir(node), account);
        this.homes.set(node.id, home);
        await prepareNodeDir(home, cnf(node, home), account);
      }),
    );
  }

  /** The system tables of a new server (root over the socket with no password). */
  protected async installSystemTables(node: NodeHandle): Promise<void> {
    const home = this.home(node);
    if ((await readdir(join(home, 'data'))).includes('mysql')) return;
    const program = this.hostProcesses ? installDb() : IMAGE_INSTALL_DB;
    if (!program)
      throw new Error('mariadb-install-db is not installed: npm run setup mysql-cluster');
    await this.exec(
      node,
      program,
      [
        `--defaults-file=${join(home, 'my.cnf')}`,
        '--auth-root-authentication-method=normal',
        '--skip-test-db',
      ],
      TOOL_TIMEOUT_MS,
    );
  }

  socket(node: NodeHandle): string {
    return socketPath(this.home(node));
  }

  /** Serving SQL; a Galera node outside the primary component still answers (with 1047 for data). */
  protected async ready(node: NodeHandle): Promise<boolean> {
    await adminQuery(this.socket(node), 'SELECT 1', 500);
    return true;
  }

  /** Sockets live outside the run folder: a killed server leaves its own behind. */
  override async teardown(): Promise<void> {
    await super.teardown();
    await Promise.all(this.nodes.map((n) => rm(this.socket(n), { force: true })));
  }
}
