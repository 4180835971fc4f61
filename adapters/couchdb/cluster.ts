import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { waitUntil } from '../../core/processes.ts';
import type { ReplicasRule } from '../../core/quorum.ts';
import { NodeCluster } from '../node-cluster.ts';
import type { NodeHandle, ProvisionOptions } from '../types.ts';
import { SERVER } from './engine.ts';
import { admin, baseUrl, DATABASE } from './http.ts';
import type { CouchSettings } from './settings.ts';

/** This system's loopback subnet: its nodes are 127.0.15.n (core/addresses.ts). */
export const SUBNET = 5;

interface Changes {
  results: { id: string; changes: { rev: string }[] }[];
}

/**
 * CouchDB-style master-master replication among standalone nodes of
 * PouchDB's server on 127.0.15.n: every node pushes the database to every
 * peer through a continuous `_replicator` document (one per peer; `POST
 * /_replicate` crashes this server at its first network error). Each node
 * accepts writes on its own; conflicting edits are kept as `_conflicts`
 * and every node picks the same winner.
 */
export class CouchCluster extends NodeCluster {
  /** Its replication connections leave from its own address (Node would use 127.0.0.1). */
  protected override readonly bindsPeerConnections = true;

  constructor(options: ProvisionOptions, settings: CouchSettings) {
    super(options, { system: 'couchdb', subnet: SUBNET, port: settings.port });
    for (const node of this.nodes) mkdirSync(join(this.dir(node), 'data'), { recursive: true });
  }

  protected command(node: NodeHandle) {
    const data = join(this.dir(node), 'data');
    return {
      program: process.execPath,
      args: [SERVER, node.host, String(node.port), data],
      marker: data,
    };
  }

  protected async ready(node: NodeHandle): Promise<boolean> {
    // CouchDB answers {"couchdb": "Welcome"}, PouchDB's server {"express-pouchdb": "Welcome!"}.
    const info = await admin<Record<string, unknown>>(node, 'GET', '/', undefined, 500);
    return info.version !== undefined;
  }

  async create(): Promise<void> {
    await Promise.all(this.nodes.map((n) => this.start(n.id)));
    await Promise.all(this.nodes.map((n) => admin(n, 'PUT', `/${DATABASE}`)));
    for (const source of this.nodes) {
      for (const target of this.nodes) {
        if (source === target) continue;
        await admin(source, 'PUT', `/_replicator/${source.id}-to-${target.id}`, {
          source: `${baseUrl(source)}/${DATABASE}`,
          target: `${baseUrl(target)}/${DATABASE}`,
          continuous: true,
        });
      }
    }
  }

  /**
   * Settled: every node holds the same documents with the same leaf
   * revisions, conflicting ones included (the winners alone can agree
   * before the losers have reached every node).
   */
  async settle(timeoutMs: number): Promise<void> {
    await waitUntil(
      'couchdb nodes to hold the same revisions',
      async () => {
        const views = await Promise.all(
          this.nodes.map(async (node) => {
            if (!this.isUp(node.id)) throw new Error(`${node.id} is down`);
            const path = `/${DATABASE}/_changes?style=all_docs`;
            const changes = await admin<Changes>(node, 'GET', path, undefined, 10_000);
            return changes.results
              .map(
                (r) =>
                  `${r.id}@${r.changes
                    .map((c) => c.rev)
                    .sort()
                    .join(',')}`,
              )
              .sort()
              .join('\n');
          }),
        );
        return views.every((v) => v === views[0]);
      },
      timeoutMs,
      500,
    );
  }

  /** Every node holds every document and answers from its own copy: one replica is enough. */
  async quorum(): Promise<ReplicasRule> {
    const n = this.nodes.length;
    return {
      rule: 'replicas',
      replicas: n,
      read: 1,
      write: 1,
      level: 'each node its own copy',
      graceMs: 0,
    };
  }
}
