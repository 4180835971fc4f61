import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ClusterMembership } from '../../core/contracts.ts';
import { waitUntil } from '../../core/processes.ts';
import type { ReplicasRule } from '../../core/quorum.ts';
import { NodeCluster } from '../node-cluster.ts';
import type { NodeHandle, ProvisionOptions } from '../types.ts';
import { SERVER } from './engine.ts';
import { admin, baseUrl, DATABASE, unlessMissing } from './http.ts';
import type { CouchSettings } from './settings.ts';

/** This system's loopback subnet: its nodes are 127.0.15.n (core/addresses.ts). */
export const SUBNET = 5;

/** A joining peer receives every document; a leaving one hands on what it took. */
const SYNC_TIMEOUT_MS = 120_000;

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
    for (const source of this.nodes)
      for (const target of this.nodes) if (source !== target) await replicate(source, target);
  }

  /**
   * Membership changes, on either provider. A peer joins the mesh: each
   * node starts pushing to it, it to each of them; it counts once it holds
   * every document a peer held when it joined. A peer
   * leaves: no one pushes to it any more, workers move off it, and it stops
   * once every other node holds each revision it took (and it took no new
   * one for a second). At least 2 nodes remain.
   */
  get membership(): ClusterMembership | undefined {
    return { grow: () => this.grow(), shrink: (id) => this.shrink(id), minNodes: 2 };
  }

  private async grow(): Promise<string> {
    return this.joinNewNode(async (node) => {
      const peers = this.nodes.filter((n) => n !== node);
      mkdirSync(join(this.dir(node), 'data'), { recursive: true });
      await this.start(node.id);
      await admin(node, 'PUT', `/${DATABASE}`);
      const held = await docCount(peers[0]!);
      for (const peer of peers) {
        await replicate(peer, node);
        await replicate(node, peer);
      }
      await waitUntil(
        `${node.id} to receive the ${held} documents a peer held`,
        async () => (await docCount(node)) >= held,
        SYNC_TIMEOUT_MS,
        250,
      );
    });
  }

  private async shrink(id: string): Promise<void> {
    const node = this.node(id);
    const others = this.nodes.filter((n) => n !== node);
    await Promise.all(others.map((o) => stopReplicating(o, node)));
    this.detachNode(id);
    let lastSeq: string | undefined;
    await waitUntil(
      `the revisions ${id} took to reach every other node`,
      async () => {
        const seq = String(
          (await admin<{ update_seq: unknown }>(node, 'GET', `/${DATABASE}`)).update_seq,
        );
        const quiet = seq === lastSeq;
        lastSeq = seq;
        if (!quiet) return false;
        // Held by the others, in their revision trees (a leaf here may be an
        // ancestor there by now); what one lacks is handed to it now.
        const leaves = await leafRevisionsById(node);
        let complete = true;
        for (const other of others) if (!(await handOff(node, leaves, other))) complete = false;
        return complete;
      },
      SYNC_TIMEOUT_MS,
      1000,
    );
    await this.removeNode(id);
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
            return (await leafRevisions(node)).sort().join('\n');
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

/** Deletes `source`'s push to `target`; one already gone is fine. */
async function stopReplicating(source: NodeHandle, target: NodeHandle): Promise<void> {
  const path = `/_replicator/${source.id}-to-${target.id}`;
  const push = await unlessMissing(admin<{ _rev: string }>(source, 'GET', path), undefined);
  if (push) await admin(source, 'DELETE', `${path}?rev=${push._rev}`);
}

/**
 * What `from` holds (its `leaves`, by document) that `to` lacks, copied the
 * way replication copies it: each missing leaf with its history
 * (`open_revs`, `revs=true`), then `_bulk_docs` with `new_edits: false`. The leaving node's own continuous
 * pushes would get there in time, but its replicator backs off after an
 * error (in CI it once had not in 120 s): the leave does not wait on it.
 * True when nothing was missing.
 *
 * Missing means absent from `to`'s revision tree. `_revs_diff` only narrows
 * the candidates: PouchDB also names a revision its tree holds without a
 * body (known as an ancestor of a leaf that came with its history), and a
 * push of it is skipped as a revision it has, so asking `_revs_diff` alone
 * never ended (120 s, twice in CI).
 */
async function handOff(
  from: NodeHandle,
  leaves: Record<string, string[]>,
  to: NodeHandle,
): Promise<boolean> {
  const path = `/${DATABASE}`;
  const diff = await admin<Record<string, { missing: string[] }>>(
    to,
    'POST',
    `${path}/_revs_diff`,
    leaves,
    10_000,
  );
  const docs: object[] = [];
  for (const [id, { missing }] of Object.entries(diff)) {
    const known = await revisionTree(to, id);
    const lacking = missing.filter((rev) => !known.has(rev));
    if (lacking.length === 0) continue;
    for (const leaf of await openRevs(from, id, lacking)) if (leaf.ok) docs.push(leaf.ok);
  }
  if (docs.length === 0) return true;
  await admin(to, 'POST', `${path}/_bulk_docs`, { docs, new_edits: false }, 30_000);
  return false;
}

interface OpenRev {
  ok?: { _revisions?: { start: number; ids: string[] } };
}

/** Leaves of a document with their histories: `revs` as given, or `all`. */
function openRevs(node: NodeHandle, id: string, revs: string[] | 'all'): Promise<OpenRev[]> {
  const which = revs === 'all' ? 'all' : encodeURIComponent(JSON.stringify(revs));
  const path = `/${DATABASE}/${encodeURIComponent(id)}?revs=true&open_revs=${which}`;
  return admin<OpenRev[]>(node, 'GET', path, undefined, 10_000);
}

/**
 * Every revision in a node's tree of a document: each leaf and its
 * ancestors, with a body or not; none when it lacks the document.
 */
async function revisionTree(node: NodeHandle, id: string): Promise<Set<string>> {
  const known = new Set<string>();
  for (const leaf of await unlessMissing(openRevs(node, id, 'all'), [])) {
    const history = leaf.ok?._revisions;
    if (!history) continue;
    for (const [i, hash] of history.ids.entries()) known.add(`${history.start - i}-${hash}`);
  }
  return known;
}

/** A continuous push of the database from `source` to `target`, kept by `source`. */
async function replicate(source: NodeHandle, target: NodeHandle): Promise<void> {
  await admin(source, 'PUT', `/_replicator/${source.id}-to-${target.id}`, {
    source: `${baseUrl(source)}/${DATABASE}`,
    target: `${baseUrl(target)}/${DATABASE}`,
    continuous: true,
  });
}

async function docCount(node: NodeHandle): Promise<number> {
  return (await admin<{ doc_count: number }>(node, 'GET', `/${DATABASE}`)).doc_count;
}

/** Every leaf revision the node holds, conflicting ones included, as `id@rev`. */
async function leafRevisions(node: NodeHandle): Promise<string[]> {
  return (await changes(node)).flatMap((r) => r.changes.map((c) => `${r.id}@${c.rev}`));
}

/** The same, by document id: a `_revs_diff` request. */
async function leafRevisionsById(node: NodeHandle): Promise<Record<string, string[]>> {
  return Object.fromEntries((await changes(node)).map((r) => [r.id, r.changes.map((c) => c.rev)]));
}

async function changes(node: NodeHandle): Promise<Changes['results']> {
  const path = `/${DATABASE}/_changes?style=all_docs`;
  return (await admin<Changes>(node, 'GET', path, undefined, 10_000)).results;
}
