import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitUntil } from '../../core/processes.ts';
import type { ReplicasRule } from '../../core/quorum.ts';
import { NodeCluster } from '../node-cluster.ts';
import type { NodeHandle, ProvisionOptions } from '../types.ts';
import {
  APACHE_AUTH,
  COUCHDB_HOME,
  erlangName,
  formed,
  launchEnv,
  localIni,
  vmArgs,
} from './apache-files.ts';
import { SUBNET } from './cluster.ts';
import { admin, DATABASE } from './http.ts';
import type { CouchSettings } from './settings.ts';

const FORM_TIMEOUT_MS = 120_000;

/**
 * Apache CouchDB 3 as a real cluster, in the official `couchdb` image:
 * one node per container, joined by Erlang distribution, every database
 * split in q shards of n copies (apache-files.ts). Formed by adding each
 * node to the first's membership (`PUT /_node/_local/_nodes/<name>`), then
 * `_cluster_setup`'s finish_cluster, which makes the system databases.
 * Any node coordinates any request, asking the shard's copies for a
 * quorum (r, w) and answering 202 when fewer than w acknowledged but the
 * write stands on the copies it reached. Apache CouchDB has no package in
 * the registries this machine reaches: this cluster runs on the docker
 * provider with an image that has it.
 */
export class ApacheCouchCluster extends NodeCluster {
  private readonly uuid = randomUUID().replaceAll('-', '');

  constructor(
    options: ProvisionOptions,
    private readonly settings: CouchSettings,
  ) {
    super(options, { system: 'couchdb', subnet: SUBNET, port: settings.port });
    for (const node of this.nodes) {
      const dir = this.dir(node);
      mkdirSync(join(dir, 'data'), { recursive: true });
      writeFileSync(join(dir, 'vm.args'), vmArgs(node, this.uuid));
      writeFileSync(
        join(dir, 'local.ini'),
        localIni(node, dir, { q: settings.shards, n: this.copies(), uuid: this.uuid }),
      );
    }
  }

  /** n: the copies asked for, at most one per node. */
  private copies(): number {
    return Math.min(this.settings.copies, this.nodes.length);
  }

  protected command(node: NodeHandle) {
    const dir = this.dir(node);
    return {
      program: `${COUCHDB_HOME}/bin/couchdb`,
      args: [],
      env: launchEnv(dir),
      marker: join(dir, 'vm.args'),
    };
  }

  protected async ready(node: NodeHandle): Promise<boolean> {
    const up = await this.request<{ status?: string }>(node, 'GET', '/_up', undefined, 500);
    return up.status === 'ok';
  }

  async create(): Promise<void> {
    await Promise.all(this.nodes.map((n) => this.start(n.id)));
    const [first, ...rest] = this.nodes;
    for (const node of rest)
      await this.request(first!, 'PUT', `/_node/_local/_nodes/${erlangName(node)}`, {});
    await this.settle(FORM_TIMEOUT_MS);
    // finish_cluster makes the system databases; should it refuse (a setup
    // state it does not expect), they are made directly.
    await this.request(
      first!,
      'POST',
      '/_cluster_setup',
      { action: 'finish_cluster' },
      30_000,
    ).catch(async () => {
      for (const db of ['_users', '_replicator'])
        await this.request(first!, 'PUT', `/${db}`, undefined, 30_000).catch((error: Error) => {
          if (!/ 412 /.test(error.message)) throw error;
        });
    });
    await this.request(
      first!,
      'PUT',
      `/${DATABASE}?q=${this.settings.shards}&n=${this.copies()}`,
      undefined,
      30_000,
    );
  }

  /** Every node up and listing every other as a connected member. */
  async settle(timeoutMs: number): Promise<void> {
    await waitUntil(
      'couchdb: every node to see every other connected',
      async () => {
        for (const node of this.nodes) {
          if (!this.isUp(node.id)) return false;
          const membership = await this.request<{ all_nodes?: string[]; cluster_nodes?: string[] }>(
            node,
            'GET',
            '/_membership',
          ).catch(() => ({}));
          if (!formed(membership, this.nodes)) return false;
        }
        return true;
      },
      timeoutMs,
      500,
    );
  }

  /**
   * A shard's copies answer a request; below the quorum CouchDB still
   * writes to the copies it reaches (202) and reads from one, so each side
   * of a cut that holds one copy serves: the rule is one copy.
   */
  async quorum(): Promise<ReplicasRule> {
    if (this.copies() < this.nodes.length)
      throw new Error(
        `couchdb: n=${this.copies()} on ${this.nodes.length} nodes: each shard's copies are not recorded, so which side holds them is unknown`,
      );
    return {
      rule: 'replicas',
      replicas: this.copies(),
      read: 1,
      write: 1,
      level: `q=${this.settings.shards} n=${this.copies()}, 202 below the write quorum`,
      graceMs: 0,
    };
  }

  private request<T>(
    node: NodeHandle,
    method: string,
    path: string,
    body?: unknown,
    timeoutMs = 3000,
  ): Promise<T> {
    return admin<T>(node, method, path, body, timeoutMs, APACHE_AUTH);
  }
}
