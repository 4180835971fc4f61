import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { acceptsConnections } from '../../core/processes.ts';
import { type MajorityRule, nodeMajority } from '../../core/quorum.ts';
import { NodeCluster } from '../node-cluster.ts';
import type { NodeHandle, ProvisionOptions } from '../types.ts';
import { ferretdbBinary } from './engine.ts';
import type { MongoSettings } from './settings.ts';

/** This system's loopback subnet: its node is 127.0.13.1 (core/addresses.ts). */
export const SUBNET = 3;

/**
 * The MongoDB row on the local provider: one FerretDB process on
 * 127.0.13.1 keeping its data in SQLite files under the run's folder.
 * FerretDB has no replication, so there is one node, no primary to
 * isolate and no partition to make; kills, pauses and restarts apply.
 */
export class FerretCluster extends NodeCluster {
  private binary = '';

  constructor(options: ProvisionOptions, settings: MongoSettings) {
    // One FerretDB server whatever --nodes says (validate refuses more).
    super(options, { system: 'mongodb', subnet: SUBNET, port: settings.port, nodes: 1 });
    for (const node of this.nodes) mkdirSync(join(this.dir(node), 'data'), { recursive: true });
  }

  protected command(node: NodeHandle) {
    const data = join(this.dir(node), 'data');
    return {
      program: this.binary,
      args: ['-listen', `${node.host}:${node.port}`, '-data', data, '-log-level', 'warn'],
      marker: data,
    };
  }

  protected override async beforeStart(): Promise<void> {
    this.binary = await ferretdbBinary();
  }

  /** FerretDB listens once its backend is open. */
  protected ready(node: NodeHandle): Promise<boolean> {
    return acceptsConnections(node.host, node.port);
  }

  async create(): Promise<void> {
    await this.start('n1');
  }

  /**
   * A replica set's quorum is a majority of its voting members (every
   * member votes here). FerretDB runs one node, so no partition applies;
   * the rule is the one a replica set of these nodes would hold.
   */
  async quorum(): Promise<MajorityRule> {
    return nodeMajority(this.nodes, 0, 'voters');
  }
}
