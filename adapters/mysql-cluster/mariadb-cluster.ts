import { rm } from 'node:fs/promises';
import { NodeCluster } from '../node-cluster.ts';
import type { NodeHandle, ProvisionOptions } from '../types.ts';
import { adminQuery } from './admin.ts';
import type { SqlRouter } from './client.ts';
import { nodeHome, prepareNodeDir } from './cluster-files.ts';
import { mariadbd } from './engine.ts';
import { socketPath } from './my-cnf.ts';

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
    const server = mariadbd();
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
  protected async prepareNodes(cnf: (node: NodeHandle, home: string) => string): Promise<void> {
    await Promise.all(
      this.nodes.map(async (node) => {
        const home = await nodeHome(this.dir(node));
        this.homes.set(node.id, home);
        await prepareNodeDir(home, cnf(node, home));
      }),
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
