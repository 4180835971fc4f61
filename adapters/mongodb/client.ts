import {
  type ClientSession,
  type Collection,
  MongoClient,
  MongoError,
  MongoNetworkError,
  MongoServerSelectionError,
  type ReadConcernLevel,
} from 'mongodb';
import type { ClientKind, Completion, Invocation, NodeHandle } from '../types.ts';
import { WorkerClient } from '../worker-client.ts';
import { REPLICA_SET } from './replica-set.ts';
import type { MongoSettings } from './settings.ts';

export const DATABASE = 'faultline';

interface ValueDoc {
  _id: string;
  value: unknown;
}

/**
 * Where a worker's driver connects: its one node (FerretDB), or the
 * replica set, every member a seed (the driver follows the primary, as
 * applications do); from the worker's own address either way.
 */
export function connectionString(node: NodeHandle, replicaSet?: readonly NodeHandle[]): string {
  if (!replicaSet) return `mongodb://${node.host}:${node.port}/`;
  const hosts = replicaSet.map((n) => `${n.host}:${n.port}`).join(',');
  return `mongodb://${hosts}/?replicaSet=${REPLICA_SET}`;
}

/**
 * What the MongoDB row's clients share: the official driver from the
 * worker's client address, one operation one attempt (retryable writes
 * and reads off, so the history shows what the server did rather than
 * what the driver retried), and a collection of the client's own kind (a
 * set and a register never share a document).
 */
abstract class MongoWorker extends WorkerClient {
  protected readonly client: MongoClient;
  protected readonly docs: Collection<ValueDoc>;

  constructor(
    node: NodeHandle,
    protected readonly settings: MongoSettings,
    kind: ClientKind,
    replicaSet?: readonly NodeHandle[],
  ) {
    super();
    const timeout = settings.clientTimeoutMs;
    this.client = new MongoClient(connectionString(node, replicaSet), {
      directConnection: !replicaSet,
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
  constructor(node: NodeHandle, settings: MongoSettings, replicaSet?: readonly NodeHandle[]) {
    super(node, settings, 'kv', replicaSet);
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
    replicaSet?: readonly NodeHandle[],
  ) {
    super(node, settings, kind, replicaSet);
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

/** A client of one growing kind, opened on a node (of a replica set, if given). */
const growing =
  (kind: ClientKind, operator: '$addToSet' | '$inc', readAs: (value: unknown) => unknown) =>
  (node: NodeHandle, settings: MongoSettings, replicaSet?: readonly NodeHandle[]) =>
    new MongoGrowingClient(node, settings, kind, operator, readAs, replicaSet);

export const mongoSetClient = growing('set', '$addToSet', (value) =>
  [...((value as number[] | undefined) ?? [])].sort((a, b) => a - b),
);

export const mongoCounterClient = growing('counter', '$inc', (value) => Number(value ?? 0));

/**
 * A multi-document transaction of a replica set, one attempt: started,
 * the body run in it, committed. An error before the commit aborts it (a
 * definite failure); the commit's own error is judged by completionOf
 * (UnknownTransactionCommitResult: it may have committed). Reads in it
 * see a snapshot (the only read concern transactions take stronger than
 * majority), and the commit waits for the row's write concern.
 */
abstract class MongoTransactionWorker extends MongoWorker {
  protected async transaction(
    body: (session: ClientSession) => Promise<unknown>,
  ): Promise<Completion> {
    const session = this.client.startSession();
    try {
      session.startTransaction({
        readConcern: { level: 'snapshot' },
        writeConcern: { w: this.settings.writeConcern === '1' ? 1 : 'majority' },
      });
      let value: unknown;
      try {
        value = await body(session);
      } catch (error) {
        await session.abortTransaction().catch(() => {});
        throw new AbortedBeforeCommit(error);
      }
      if (typeof value === 'string') {
        await session.abortTransaction().catch(() => {});
        return { type: 'fail', error: value };
      }
      await session.commitTransaction();
      return { type: 'ok', value };
    } finally {
      await session.endSession().catch(() => {});
    }
  }

  protected override completionOf(op: Invocation, error: unknown): Completion {
    return transactionCompletionOf(op, error);
  }
}

/** A transaction's outcome: aborted before its commit, a definite failure; else as its commit's error says. */
export function transactionCompletionOf(op: Invocation, error: unknown): Completion {
  if (error instanceof AbortedBeforeCommit) {
    const cause = error.cause as { name?: string; message?: string };
    return { type: 'fail', error: `${cause.name ?? 'Error'}: ${cause.message ?? String(cause)}` };
  }
  return completionOf(op, error);
}

/** The transaction was aborted before its commit was sent: it did not take effect. */
export class AbortedBeforeCommit extends Error {
  constructor(override readonly cause: unknown) {
    super('aborted before commit');
  }
}

/** The bank: accounts `{_id, value: balance}`; a transfer and a read of every balance, each one transaction. */
export class MongoBankClient extends MongoTransactionWorker {
  constructor(node: NodeHandle, settings: MongoSettings, replicaSet: readonly NodeHandle[]) {
    super(node, settings, 'bank', replicaSet);
  }

  protected async run(op: Invocation): Promise<Completion> {
    if (op.f === 'write') {
      await this.docs.updateOne(
        { _id: op.key ?? '' },
        { $set: { value: op.value } },
        { upsert: true },
      );
      return { type: 'ok', value: op.value };
    }
    if (op.f === 'transfer') {
      const { from, to, amount } = op.value as { from: string; to: string; amount: number };
      return this.transaction(async (session) => {
        const source = await this.docs.findOne({ _id: from }, { session });
        if (Number(source?.value ?? 0) < amount) return 'insufficient funds';
        await this.docs.updateOne(
          { _id: from },
          { $inc: { value: -amount } as never },
          { session },
        );
        await this.docs.updateOne({ _id: to }, { $inc: { value: amount } as never }, { session });
        return op.value;
      });
    }
    if (op.f !== 'read') return this.unsupported(op);
    const accounts = op.value as string[];
    return this.transaction(async (session) => {
      const found = await this.docs.find({ _id: { $in: accounts } }, { session }).toArray();
      const balances = new Map(found.map((d) => [d._id, Number(d.value)]));
      return Object.fromEntries(accounts.map((a) => [a, balances.get(a) ?? 0]));
    });
  }
}

/** Elle's micro-ops in one transaction; a list is one document grown by `$push`. */
export class MongoListAppendClient extends MongoTransactionWorker {
  constructor(node: NodeHandle, settings: MongoSettings, replicaSet: readonly NodeHandle[]) {
    super(node, settings, 'list-append', replicaSet);
  }

  protected async run(op: Invocation): Promise<Completion> {
    if (op.f !== 'txn') return this.unsupported(op);
    const micro = op.value as [string, string, unknown][];
    return this.transaction(async (session) => {
      const done: unknown[] = [];
      for (const [f, k, v] of micro) {
        if (f === 'append') {
          await this.docs.updateOne(
            { _id: k },
            { $push: { value: v } as never },
            { upsert: true, session },
          );
          done.push([f, k, v]);
        } else {
          const doc = await this.docs.findOne({ _id: k }, { session });
          done.push([f, k, (doc?.value as unknown[] | undefined) ?? []]);
        }
      }
      return done;
    });
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
