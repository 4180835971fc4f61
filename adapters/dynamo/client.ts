import { DynamoClient } from '../../dynamo/client.ts';
import { DynamoError } from '../../dynamo/protocol.ts';
import type { Context } from '../../dynamo/vclock.ts';
import type { Client, Completion, Invocation, NodeHandle } from '../types.ts';
import type { DynamoSettings } from './settings.ts';

const WRITES = new Set(['write', 'insert', 'update']);

/**
 * A worker's client of the built-in store, pinned to one node (which
 * coordinates its requests). Like a Dynamo client library it keeps, per key,
 * the context of the last version it read or wrote, and sends it with the
 * next write: a worker's writes supersede what that worker has seen, while
 * writes of workers that have not seen each other stay siblings.
 */
export class DynamoAdapterClient implements Client {
  private readonly client: DynamoClient;
  private readonly contexts = new Map<string, Context>();
  private readonly replicas = new Map<string, string[]>();

  constructor(
    private readonly node: NodeHandle,
    private readonly settings: DynamoSettings,
  ) {
    this.client = new DynamoClient({
      host: node.host,
      port: node.port,
      localAddress: node.clientAddress,
      timeoutMs: settings.clientTimeoutMs,
      connectTimeoutMs: settings.clientTimeoutMs,
    });
  }

  async invoke(op: Invocation): Promise<Completion> {
    const key = op.key;
    if (key === undefined) return { type: 'fail', error: `${op.f} needs a key` };
    const { n, r, w } = this.settings;
    try {
      if (op.f === 'read' && op.replica) {
        if (!(await this.replicasOf(key)).includes(this.node.id))
          return { type: 'fail', error: `${this.node.id} holds no replica of ${key}` };
        const versions = await this.client.localGet(key);
        return readCompletion(versions.map((v) => v.value));
      }
      if (op.f === 'read' && op.final === 'replica') {
        const versions = await this.client.localGet(key);
        return readCompletion(versions.map((v) => v.value));
      }
      if (op.f === 'read') {
        // The final read asks every replica and repairs them before answering.
        const options = op.final === 'cluster' ? { n, r: n, repairSync: true } : { n, r };
        const result = await this.client.get(key, options);
        this.contexts.set(key, result.context);
        return readCompletion(result.siblings.map((s) => s.value));
      }
      if (WRITES.has(op.f)) {
        const result = await this.client.put(key, op.value, this.contexts.get(key), { n, w });
        this.contexts.set(key, result.context);
        return { type: 'ok', value: op.value };
      }
      if (op.f === 'rmw') {
        const read = await this.client.get(key, { n, r }).catch((error: unknown) => {
          throw new ReadPartFailed(error);
        });
        const result = await this.client.put(key, op.value, read.context, { n, w });
        this.contexts.set(key, result.context);
        return { type: 'ok', value: op.value };
      }
      if (op.f === 'add') {
        // A set is one value (a sorted array); concurrent versions are
        // merged by union before the add, as Dynamo's shopping cart does.
        const read = await this.client.get(key, { n, r }).catch((error: unknown) => {
          throw new ReadPartFailed(error);
        });
        const merged = new Set<unknown>([op.value]);
        for (const s of read.siblings) for (const e of (s.value as unknown[]) ?? []) merged.add(e);
        const value = [...merged].sort((a, b) => Number(a) - Number(b));
        const result = await this.client.put(key, value, read.context, { n, w });
        this.contexts.set(key, result.context);
        return { type: 'ok', value: op.value };
      }
      return { type: 'fail', error: `unsupported operation ${op.f}` };
    } catch (error) {
      return completionOf(op, error);
    }
  }

  async replicasOf(key: string): Promise<string[]> {
    // Membership is fixed for a run, so a key's preference list is too.
    let replicas = this.replicas.get(key);
    if (!replicas) {
      replicas = await this.client.preferenceList(key, this.settings.n);
      this.replicas.set(key, replicas);
    }
    return replicas;
  }

  async close(): Promise<void> {
    this.client.close();
  }
}

class ReadPartFailed extends Error {
  constructor(override readonly cause: unknown) {
    super('read part of rmw failed');
  }
}

function readCompletion(values: unknown[]): Completion {
  if (values.length <= 1) return { type: 'ok', value: values[0] ?? null };
  return { type: 'ok', value: values, siblings: true };
}

/**
 * fail = certainly not applied. A read changes nothing, so any read error is
 * a fail; a write is a fail only when the store says so (never sent, or no
 * replica reached), otherwise its outcome is unknown.
 */
function completionOf(op: Invocation, error: unknown): Completion {
  const cause = error instanceof ReadPartFailed ? error.cause : error;
  const message =
    cause instanceof Error
      ? `${(cause as DynamoError).code ?? 'error'}: ${cause.message}`
      : String(cause);
  if (op.f === 'read' || error instanceof ReadPartFailed) return { type: 'fail', error: message };
  if (cause instanceof DynamoError && cause.definite) return { type: 'fail', error: message };
  return { type: 'info', error: message };
}
