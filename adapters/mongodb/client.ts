import {
  type Collection,
  MongoClient,
  MongoError,
  MongoNetworkError,
  MongoServerSelectionError,
  type ReadConcernLevel,
} from 'mongodb';
import type { ClientKind, Completion, Invocation, NodeHandle } from '../types.ts';
import { WorkerClient } from '../worker-client.ts';
import type { MongoSettings } from './settings.ts';

export const DATABASE = 'faultline';

interface ValueDoc {
  _id: string;
  value: unknown;
}

/**
 * What the MongoDB row's clients share: the official driver connected
 * straight to the worker's node from its client address, one operation
 * one attempt (retryable writes and reads off, so the history shows what
 * the server did rather than what the driver retried), and a collection
 * of the client's own kind (a set and a register never share a document).
 */
abstract class MongoWorker extends WorkerClient {
  private readonly client: MongoClient;
  protected readonly docs: Collection<ValueDoc>;

  constructor(node: NodeHandle, settings: MongoSettings, kind: ClientKind) {
    super();
    const timeout = settings.clientTimeoutMs;
    this.client = new MongoClient(`mongodb://${node.host}:${node.port}/`, {
      directConnection: true,
      localAddress: node.clientAddress,
      retryWrites: false,
      retryReads: false,
      maxPoolSize: 1,
      serverSelectionTimeoutMS: timeout,
      connectTimeoutMS: timeout,
      socketTimeoutMS: timeout,
      writeConcern: { w: settings.writeConcern === '1' ? 1 : 'majority' },
      readConcern: { level: settings.readConcern as ReadConcernLevel },
    });
    this.docs = this.client.db(DATABASE).collection<ValueDoc>(kind);
  }

  protected async value(_id: string): Promise<unknown> {
    return (await this.docs.findOne({ _id }))?.value;
  }

  protected override completionOf(op: Invocation, error: unknown): Completion {
    return completionOf(op, error);
  }

  async close(): Promise<void> {
    await this.client.close(true);
  }
}

/**
 * Records and registers: one document `{_id, value}` each; a cas is
 * `findOneAndUpdate` on the expected value (single-document atomicity is
 * the row's claim).
 */
export class MongoKvClient extends MongoWorker {
  constructor(node: NodeHandle, settings: MongoSettings) {
    super(node, settings, 'kv');
  }

  protected async run(op: Invocation): Promise<Completion> {
    const _id = op.key ?? '';
    switch (op.f) {
      case 'read':
        return { type: 'ok', value: (await this.value(_id)) ?? null };
      case 'write':
      case 'insert':
      case 'update':
      case 'rmw':
        await this.docs.updateOne({ _id }, { $set: { value: op.value } }, { upsert: true });
        return { type: 'ok', value: op.value };
      case 'cas': {
        const [expected, next] = op.value as [unknown, unknown];
        if (expected === null) {
          // Absent: only an insert can succeed (a duplicate key is a definite failure).
          await this.docs.insertOne({ _id, value: next });
          return { type: 'ok', value: op.value };
        }
        const before = await this.docs.findOneAndUpdate(
          { _id, value: expected },
          { $set: { value: next } },
        );
        return before
          ? { type: 'ok', value: op.value }
          : { type: 'fail', error: 'cas: expected value not found' };
      }
      default:
        return this.unsupported(op);
    }
  }
}

/**
 * A set or a counter: one document grown in place by an update operator
 * (`$addToSet`, `$inc`), read back as the kind's value.
 */
class MongoGrowingClient extends MongoWorker {
  constructor(
    node: NodeHandle,
    settings: MongoSettings,
    kind: ClientKind,
    private readonly operator: '$addToSet' | '$inc',
    private readonly readAs: (value: unknown) => unknown,
  ) {
    super(node, settings, kind);
  }

  protected async run(op: Invocation): Promise<Completion> {
    const _id = op.key ?? '';
    if (op.f === 'add') {
      const update = { [this.operator]: { value: op.value } };
      await this.docs.updateOne({ _id }, update as never, { upsert: true });
      return { type: 'ok', value: op.value };
    }
    if (op.f !== 'read') return this.unsupported(op);
    return { type: 'ok', value: this.readAs(await this.value(_id)) };
  }
}

export const mongoSetClient = (node: NodeHandle, settings: MongoSettings) =>
  new MongoGrowingClient(node, settings, 'set', '$addToSet', (value) =>
    [...((value as number[] | undefined) ?? [])].sort((a, b) => a - b),
  );

export const mongoCounterClient = (node: NodeHandle, settings: MongoSettings) =>
  new MongoGrowingClient(node, settings, 'counter', '$inc', (value) => Number(value ?? 0));

/**
 * Server errors that may come after the write was applied (the node was
 * interrupted or stepped down mid-operation, or the write concern was not
 * met in time): the write may stand or be rolled back later.
 */
const MAYBE_APPLIED = new Set([
  50, // MaxTimeMSExpired
  64, // WriteConcernFailed
  91, // ShutdownInProgress
  189, // PrimarySteppedDown
  262, // ExceededTimeLimit
  11600, // InterruptedAtShutdown
  11602, // InterruptedDueToReplStateChange
]);

/**
 * fail = certainly not applied: any read; a server's refusal (NotWritablePrimary
 * 10107, a duplicate key 11000, any error the server answered before
 * writing); no server selectable or no connection made (the write was never
 * sent). info: a write concern error, an interrupted or timed-out write,
 * `UnknownTransactionCommitResult`, a connection lost after sending.
 */
export function completionOf(op: Invocation, error: unknown): Completion {
  const e = error as {
    name?: string;
    message?: string;
    code?: number | string;
    writeConcernError?: unknown;
  };
  const message = `${e.name ?? 'Error'}: ${e.message ?? String(error)}`;
  if (op.f === 'read') return { type: 'fail', error: message };
  if (error instanceof MongoError && error.hasErrorLabel('UnknownTransactionCommitResult'))
    return { type: 'info', error: message };
  if (error instanceof MongoServerSelectionError) return { type: 'fail', error: message };
  if (error instanceof MongoNetworkError) {
    // Refused or unreachable: the connection never carried the write.
    if (
      /ECONNREFUSED|EADDRNOTAVAIL|EHOSTUNREACH|connection .* to .* (timed out|closed) during connect/i.test(
        message,
      )
    )
      return { type: 'fail', error: message };
    return { type: 'info', error: message };
  }
  if (e.writeConcernError || e.name === 'MongoWriteConcernError')
    return { type: 'info', error: message };
  if (typeof e.code === 'number')
    return { type: MAYBE_APPLIED.has(e.code) ? 'info' : 'fail', error: message };
  return { type: 'info', error: message };
}
