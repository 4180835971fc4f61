import nano, { type DocumentScope } from 'nano';
import { Agent } from 'undici';
import type { Cluster, Completion, Invocation, NodeHandle } from '../types.ts';
import { ReadPartFailed, readPart, WorkerClient } from '../worker-client.ts';
import { baseUrl, type CouchAuth, DATABASE } from './http.ts';
import type { CouchSettings } from './settings.ts';

interface ValueDoc {
  _id: string;
  _rev?: string;
  _conflicts?: string[];
  value?: unknown;
}

/**
 * What the CouchDB row's clients share: nano (the Apache CouchDB client)
 * talking to the node the worker is pinned to, from its client address.
 */
abstract class CouchWorker extends WorkerClient {
  private readonly agent: Agent;
  protected readonly db: DocumentScope<ValueDoc>;

  constructor(
    private readonly cluster: Cluster,
    node: NodeHandle,
    settings: CouchSettings,
    auth?: CouchAuth,
  ) {
    super();
    const timeout = settings.clientTimeoutMs;
    this.agent = new Agent({
      connect: { localAddress: node.clientAddress, timeout },
      headersTimeout: timeout,
      bodyTimeout: timeout,
    });
    this.db = nano({
      url: baseUrl(node, auth),
      agentOptions: this.agent as never,
    }).db.use<ValueDoc>(DATABASE);
  }

  protected override completionOf(op: Invocation, error: unknown): Completion {
    return completionOf(op, error);
  }

  /** Every node holds every document. */
  async replicasOf(): Promise<string[]> {
    return this.cluster.nodes.map((n) => n.id);
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}

/**
 * Records and registers: one document each, written with the `_rev` read
 * just before (MVCC: a stale `_rev` gets 409, a definite failure); reads
 * ask for `_conflicts` and return every conflicting value as siblings.
 */
export class CouchKvClient extends CouchWorker {
  protected async run(op: Invocation): Promise<Completion> {
    const key = op.key ?? '';
    switch (op.f) {
      case 'read':
        return this.read(key);
      case 'write':
      case 'insert':
      case 'update':
      case 'rmw': {
        const current = await readPart(this.current(key));
        await this.db.insert({
          _id: key,
          ...(current ? { _rev: current._rev } : {}),
          value: op.value,
        });
        return { type: 'ok', value: op.value };
      }
      case 'cas': {
        const [expected, next] = op.value as [unknown, unknown];
        const current = await readPart(this.current(key));
        if (JSON.stringify(current?.value ?? null) !== JSON.stringify(expected))
          return { type: 'fail', error: 'cas: expected value not found' };
        // The `_rev` read makes the update conditional: 409 if another got in between.
        await this.db.insert({ _id: key, ...(current ? { _rev: current._rev } : {}), value: next });
        return { type: 'ok', value: op.value };
      }
      default:
        return this.unsupported(op);
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
}

/** A set as one document per element (`<set>:<element>`): adds never conflict. */
export class CouchSetClient extends CouchWorker {
  protected async run(op: Invocation): Promise<Completion> {
    const key = op.key ?? '';
    if (op.f === 'add') {
      await this.db.insert({ _id: `${key}:${op.value}` });
      return { type: 'ok', value: op.value };
    }
    if (op.f !== 'read') return this.unsupported(op);
    const rows = await this.db.list({ startkey: `${key}:`, endkey: `${key}:\ufff0` });
    const elements = rows.rows.map((r) => Number(r.id.slice(key.length + 1)));
    return { type: 'ok', value: elements.sort((a, b) => a - b) };
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
