import {
  type Collection,
  MongoClient,
  MongoError,
  MongoNetworkError,
  MongoServerSelectionError,
  type ReadConcernLevel,
} from 'mongodb';
import type { Client, Completion, Invocation, NodeHandle } from '../types.ts';
import type { MongoSettings } from './settings.ts';

export const DATABASE = 'faultline';

interface ValueDoc {
  _id: string;
  value: unknown;
}

/**
 * A worker's client of the MongoDB row over the official driver, connected
 * straight to its node from the worker's client address. One operation is
 * one attempt: retryable writes and reads are off, so the history shows
 * what the server did rather than what the driver retried. A register or
 * YCSB record is one document `{_id, value}`; a cas is `findOneAndUpdate`
 * on the expected value (single-document atomicity is the row's claim); a
 * set is one document grown by `$addToSet`, a counter one grown by `$inc`.
 */
export class MongoWorkerClient implements Client {
  private readonly client: MongoClient;
  private readonly docs: Collection<ValueDoc>;

  constructor(
    node: NodeHandle,
    settings: MongoSettings,
    private readonly workload: string,
  ) {
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
    // A collection per workload: a set and a register never share a document.
    this.docs = this.client.db(DATABASE).collection<ValueDoc>(workload);
  }

  async invoke(op: Invocation): Promise<Completion> {
    try {
      return await this.dispatch(op);
    } catch (error) {
      return completionOf(op, error);
    }
  }

  private async dispatch(op: Invocation): Promise<Completion> {
    const _id = op.key ?? '';
    switch (op.f) {
      case 'read': {
        const doc = await this.docs.findOne({ _id });
        return { type: 'ok', value: this.valueOf(doc) };
      }
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
      case 'add': {
        const update =
          this.workload === 'counter'
            ? { $inc: { value: op.value } }
            : { $addToSet: { value: op.value } };
        await this.docs.updateOne({ _id }, update as never, { upsert: true });
        return { type: 'ok', value: op.value };
      }
      default:
        return { type: 'fail', error: `unsupported operation ${op.f}` };
    }
  }

  /** A missing document reads as the workload's empty value. */
  private valueOf(doc: ValueDoc | null): unknown {
    if (this.workload === 'set')
      return [...((doc?.value as number[] | undefined) ?? [])].sort((a, b) => a - b);
    if (this.workload === 'counter') return Number(doc?.value ?? 0);
    return doc?.value ?? null;
  }

  async close(): Promise<void> {
    await this.client.close(true);
  }
}

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
