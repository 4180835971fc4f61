import nano, { type DocumentScope } from 'nano';
import { Agent } from 'undici';
import type { Client, Cluster, Completion, Invocation, NodeHandle } from '../types.ts';
import { baseUrl, DATABASE } from './http.ts';
import type { CouchSettings } from './settings.ts';

interface ValueDoc {
  _id: string;
  _rev?: string;
  _conflicts?: string[];
  value?: unknown;
}

/**
 * A worker's client of the CouchDB row, over nano (the Apache CouchDB
 * client), talking to the node it is pinned to from its client address.
 * Registers and YCSB records are one document each, written with the
 * `_rev` read just before (MVCC: a stale `_rev` gets 409, a definite
 * failure); reads ask for `_conflicts` and return every conflicting value
 * as siblings. A set is one document per element.
 */
export class CouchClient implements Client {
  private readonly agent: Agent;
  private readonly db: DocumentScope<ValueDoc>;

  constructor(
    private readonly cluster: Cluster,
    node: NodeHandle,
    settings: CouchSettings,
    private readonly workload: string,
  ) {
    const timeout = settings.clientTimeoutMs;
    this.agent = new Agent({
      connect: { localAddress: node.clientAddress, timeout },
      headersTimeout: timeout,
      bodyTimeout: timeout,
    });
    this.db = nano({ url: baseUrl(node), agentOptions: this.agent as never }).db.use<ValueDoc>(
      DATABASE,
    );
  }

  async invoke(op: Invocation): Promise<Completion> {
    try {
      return await this.dispatch(op);
    } catch (error) {
      return completionOf(op, error);
    }
  }

  private async dispatch(op: Invocation): Promise<Completion> {
    const key = op.key ?? '';
    if (this.workload === 'set') return this.set(op, key);
    switch (op.f) {
      case 'read':
        return this.read(key);
      case 'write':
      case 'insert':
      case 'update':
      case 'rmw': {
        const current = await this.current(key).catch((error: unknown) => {
          throw new ReadPartFailed(error);
        });
        await this.db.insert({
          _id: key,
          ...(current ? { _rev: current._rev } : {}),
          value: op.value,
        });
        return { type: 'ok', value: op.value };
      }
      case 'cas': {
        const [expected, next] = op.value as [unknown, unknown];
        const current = await this.current(key).catch((error: unknown) => {
          throw new ReadPartFailed(error);
        });
        if (JSON.stringify(current?.value ?? null) !== JSON.stringify(expected))
          return { type: 'fail', error: 'cas: expected value not found' };
        // The `_rev` read makes the update conditional: 409 if another got in between.
        await this.db.insert({ _id: key, ...(current ? { _rev: current._rev } : {}), value: next });
        return { type: 'ok', value: op.value };
      }
      default:
        return { type: 'fail', error: `unsupported operation ${op.f}` };
    }
  }

  /** The winning revision, or undefined when the document does not exist. */
  private async current(key: string): Promise<ValueDoc | undefined> {
    try {
      return await this.db.get(key);
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) return undefined;
      throw error;
    }
  }

  /** The winner, and with `_conflicts` every losing value as a sibling. */
  private async read(key: string): Promise<Completion> {
    let doc: ValueDoc;
    try {
      doc = await this.db.get(key, { conflicts: true });
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) return { type: 'ok', value: null };
      throw error;
    }
    if (!doc._conflicts?.length) return { type: 'ok', value: doc.value ?? null };
    const losers = await Promise.all(doc._conflicts.map((rev) => this.db.get(key, { rev })));
    return { type: 'ok', value: [doc.value, ...losers.map((l) => l.value)], siblings: true };
  }

  private async set(op: Invocation, key: string): Promise<Completion> {
    if (op.f === 'add') {
      await this.db.insert({ _id: `${key}:${op.value}` });
      return { type: 'ok', value: op.value };
    }
    const rows = await this.db.list({ startkey: `${key}:`, endkey: `${key}:\ufff0` });
    const elements = rows.rows.map((r) => Number(r.id.slice(key.length + 1)));
    return { type: 'ok', value: elements.sort((a, b) => a - b) };
  }

  /** Every node holds every document. */
  async replicasOf(): Promise<string[]> {
    return this.cluster.nodes.map((n) => n.id);
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}

class ReadPartFailed extends Error {
  constructor(override readonly cause: unknown) {
    super('read part of the write failed');
  }
}

/**
 * fail = certainly not applied: any read, an HTTP error status below 500
 * (409 conflict: the `_rev` was stale), a connection never made. A 5xx, a
 * timeout or a connection dropped after the request was sent may have
 * applied: info.
 */
export function completionOf(op: Invocation, error: unknown): Completion {
  const cause = error instanceof ReadPartFailed ? error.cause : error;
  const e = cause as { statusCode?: number; message?: string };
  const message = e.statusCode
    ? `${e.statusCode} ${e.message ?? ''}`.trim()
    : (e.message ?? String(cause));
  if (op.f === 'read' || error instanceof ReadPartFailed) return { type: 'fail', error: message };
  if (e.statusCode !== undefined && e.statusCode < 500) return { type: 'fail', error: message };
  if (/ECONNREFUSED|ConnectTimeoutError|EADDRNOTAVAIL/.test(message))
    return { type: 'fail', error: message };
  return { type: 'info', error: message };
}
