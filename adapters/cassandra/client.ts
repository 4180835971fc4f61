import cassandra from 'cassandra-driver';
import type { Completion, Invocation, NodeHandle } from '../types.ts';
import { ReadPartFailed, readPart, WorkerClient } from '../worker-client.ts';
import { KEYSPACE } from './schema.ts';
import type { CassandraSettings } from './settings.ts';
import { bindDriverSockets } from './source-address.ts';

const { consistencies, responseErrorCodes } = cassandra.types;

/**
 * What the Cassandra row's clients share: the DataStax driver with the
 * worker's node as its only coordinator and its sockets leaving from the
 * worker's address. Reads and writes run at the configured consistency.
 * Nothing is retried by the driver: a retry of a write that timed out
 * could apply it twice.
 */
abstract class CassandraWorker extends WorkerClient {
  protected readonly client: cassandra.Client;
  protected readonly consistency: number;

  constructor(node: NodeHandle, settings: CassandraSettings) {
    super();
    bindDriverSockets();
    const endpoint = `${node.host}:${node.port}`;
    const timeout = settings.clientTimeoutMs;
    this.consistency = consistencies[settings.consistency];
    this.client = new cassandra.Client({
      contactPoints: [endpoint],
      localDataCenter: 'datacenter1',
      keyspace: KEYSPACE,
      policies: {
        loadBalancing: new cassandra.policies.loadBalancing.AllowListPolicy(
          new cassandra.policies.loadBalancing.RoundRobinPolicy(),
          [endpoint],
        ),
        retry: new cassandra.policies.retry.FallthroughRetryPolicy(),
        reconnection: new cassandra.policies.reconnection.ConstantReconnectionPolicy(500),
        speculativeExecution:
          new cassandra.policies.speculativeExecution.NoSpeculativeExecutionPolicy(),
      },
      socketOptions: { connectTimeout: timeout, readTimeout: timeout },
      queryOptions: {
        consistency: this.consistency,
        serialConsistency: consistencies.serial,
        prepare: true,
      },
      // Read by the socket patch of source-address.ts.
      faultlineSourceAddress: node.clientAddress,
    } as cassandra.ClientOptions);
  }

  protected async read(key: string, consistency: number): Promise<unknown> {
    const rows = await this.client.execute('SELECT v FROM kv WHERE k = ?', [key], { consistency });
    const v = rows.first()?.v as string | undefined;
    return v === undefined || v === null ? null : JSON.parse(v);
  }

  protected override completionOf(op: Invocation, error: unknown): Completion {
    return completionOf(op, error);
  }

  async close(): Promise<void> {
    await this.client.shutdown();
  }
}

/** YCSB records: plain reads and writes, last write wins by the coordinator's timestamp. */
export class CassandraKvClient extends CassandraWorker {
  protected async run(op: Invocation): Promise<Completion> {
    const key = op.key ?? '';
    switch (op.f) {
      case 'read':
        return { type: 'ok', value: await this.read(key, this.consistency) };
      case 'rmw':
        await readPart(this.read(key, this.consistency));
        return this.write(op, key);
      case 'write':
      case 'insert':
      case 'update':
        return this.write(op, key);
      default:
        return this.unsupported(op);
    }
  }

  private async write(op: Invocation, key: string): Promise<Completion> {
    await this.client.execute('INSERT INTO kv (k, v) VALUES (?, ?)', [
      key,
      JSON.stringify(op.value),
    ]);
    return { type: 'ok', value: op.value };
  }
}

/**
 * A linearizable register: lightweight transactions throughout (Paxos for
 * every write and cas as `IF` conditions, SERIAL reads), since plain
 * writes mixed with LWTs are not linearizable.
 */
export class CassandraRegisterClient extends CassandraWorker {
  protected async run(op: Invocation): Promise<Completion> {
    const key = op.key ?? '';
    const c = this.client;
    if (op.f === 'read') return { type: 'ok', value: await this.read(key, consistencies.serial) };
    if (op.f === 'write') {
      const value = JSON.stringify(op.value);
      for (let attempt = 0; attempt < 3; attempt++) {
        const updated = await c.execute('UPDATE kv SET v = ? WHERE k = ? IF EXISTS', [value, key]);
        if (updated.wasApplied()) return { type: 'ok', value: op.value };
        const inserted = await c.execute('INSERT INTO kv (k, v) VALUES (?, ?) IF NOT EXISTS', [
          key,
          value,
        ]);
        if (inserted.wasApplied()) return { type: 'ok', value: op.value };
      }
      return { type: 'fail', error: 'write: lost the race between update and insert three times' };
    }
    if (op.f === 'cas') {
      const [expected, next] = op.value as [unknown, unknown];
      const result =
        expected === null
          ? await c.execute('INSERT INTO kv (k, v) VALUES (?, ?) IF NOT EXISTS', [
              key,
              JSON.stringify(next),
            ])
          : await c.execute('UPDATE kv SET v = ? WHERE k = ? IF v = ?', [
              JSON.stringify(next),
              key,
              JSON.stringify(expected),
            ]);
      return result.wasApplied()
        ? { type: 'ok', value: op.value }
        : { type: 'fail', error: 'cas: expected value not found' };
    }
    return this.unsupported(op);
  }
}

/** A set as a row per element. */
export class CassandraSetClient extends CassandraWorker {
  protected async run(op: Invocation): Promise<Completion> {
    const key = op.key ?? '';
    if (op.f === 'add') {
      await this.client.execute('INSERT INTO sets (k, e) VALUES (?, ?)', [key, op.value]);
      return { type: 'ok', value: op.value };
    }
    if (op.f !== 'read') return this.unsupported(op);
    const rows = await this.client.execute('SELECT e FROM sets WHERE k = ?', [key]);
    return { type: 'ok', value: rows.rows.map((r) => Number(r.e)).sort((a, b) => a - b) };
  }
}

/** A counter column. */
export class CassandraCounterClient extends CassandraWorker {
  protected async run(op: Invocation): Promise<Completion> {
    const key = op.key ?? '';
    if (op.f === 'add') {
      await this.client.execute('UPDATE counters SET n = n + ? WHERE k = ?', [
        cassandra.types.Long.fromNumber(Number(op.value)),
        key,
      ]);
      return { type: 'ok', value: op.value };
    }
    if (op.f !== 'read') return this.unsupported(op);
    const rows = await this.client.execute('SELECT n FROM counters WHERE k = ?', [key]);
    return { type: 'ok', value: Number(rows.first()?.n ?? 0) };
  }
}

/** Errors that say nothing was written: not enough replicas alive, an overloaded or bootstrapping coordinator. */
const DEFINITE = new Set<number>([
  responseErrorCodes.unavailableException,
  responseErrorCodes.overloaded,
  responseErrorCodes.isBootstrapping,
  responseErrorCodes.syntaxError,
  responseErrorCodes.invalid,
  responseErrorCodes.unauthorized,
]);

/**
 * fail = certainly not applied: any read, Unavailable (the coordinator
 * refused before writing), no host reachable at all. A write timeout, a
 * write failure, or a request that timed out at the client may have been
 * applied on some replicas: info.
 */
export function completionOf(op: Invocation, error: unknown): Completion {
  const cause = error instanceof ReadPartFailed ? error.cause : error;
  const e = cause as { code?: number; message?: string; name?: string; innerErrors?: unknown };
  const message = `${e.name ?? 'Error'}: ${e.message ?? String(cause)}`;
  if (op.f === 'read' || error instanceof ReadPartFailed) return { type: 'fail', error: message };
  if (cause instanceof cassandra.errors.ResponseError && DEFINITE.has(cause.code))
    return { type: 'fail', error: message };
  // The driver found no coordinator to send it to.
  if (cause instanceof cassandra.errors.NoHostAvailableError)
    return { type: 'fail', error: message };
  return { type: 'info', error: message };
}
