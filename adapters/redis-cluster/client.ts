import calculateSlot from 'cluster-key-slot';
import { Cluster as IoCluster, Redis, ReplyError } from 'ioredis';
import { SharedClients } from '../shared-clients.ts';
import type { Cluster, Completion, Invocation, NodeHandle } from '../types.ts';
import { ReadPartFailed, readPart, WorkerClient } from '../worker-client.ts';
import { boundConnector } from './connector.ts';
import type { RedisSettings } from './settings.ts';

/** Sets `new` only if the key holds `expected` ('' with a flag for absent). */
const CAS = `
local current = redis.call('GET', KEYS[1])
if (ARGV[3] == 'absent' and not current) or (current and current == ARGV[1]) then
  redis.call('SET', KEYS[1], ARGV[2])
  return 1
end
return 0`;

/** Moves money only if the source has enough: one script, so atomic. */
const TRANSFER = `
local from = tonumber(redis.call('GET', KEYS[1]) or '0')
local amount = tonumber(ARGV[1])
if from < amount then return 0 end
redis.call('DECRBY', KEYS[1], amount)
redis.call('INCRBY', KEYS[2], amount)
return 1`;

/** Keys of one transaction must share a hash slot: a hash tag per workload. */
const tagged = (tag: string, key: string) => `{${tag}}${key}`;

/**
 * What the Redis Cluster row's clients share: ioredis's cluster client (it
 * follows MOVED and refreshes the slot map), shared by the workers pinned
 * to a node, all its sockets leaving from the worker's client address; and
 * a direct connection to the pinned node for reads of its own copy.
 */
abstract class RedisWorker extends WorkerClient {
  protected readonly redis: IoCluster;
  /** Taken once: a membership change alters `cluster.nodes`, and with it the key. */
  private readonly poolKey: string;
  private local: Redis | undefined;

  constructor(
    private readonly cluster: Cluster,
    private readonly node: NodeHandle,
    private readonly settings: RedisSettings,
  ) {
    super();
    this.poolKey = poolKey(cluster, node, settings);
    this.redis = POOL.acquire(this.poolKey, () => clusterClient(cluster, node, settings));
  }

  protected async run(op: Invocation): Promise<Completion> {
    const key = op.key ?? '';
    if (op.f === 'read' && (op.final === 'replica' || op.replica))
      return { type: 'ok', value: await this.readCopy(await this.localConnection(), key) };
    return this.serve(op, key);
  }

  protected abstract serve(op: Invocation, key: string): Promise<Completion>;

  /** The key's value as this kind keeps it, read from one node's own copy. */
  protected async readCopy(redis: Redis, key: string): Promise<unknown> {
    const value = await redis.get(key);
    return value === null ? null : JSON.parse(value);
  }

  /**
   * The pinned node's own copy (READONLY lets a replica answer), for the
   * convergence check after heal: a master and its replicas must agree.
   */
  private async localConnection(): Promise<Redis> {
    if (!this.local) {
      const timeout = this.settings.clientTimeoutMs;
      this.local = new Redis({
        host: this.node.host,
        port: this.node.port,
        Connector: boundConnector(this.node.clientAddress) as never,
        connectTimeout: timeout,
        commandTimeout: timeout,
        maxRetriesPerRequest: 1,
      });
      this.local.on('error', () => {});
      await this.local.call('READONLY');
    }
    return this.local;
  }

  /** The master and replicas of the key's slot, from the client's slot map. */
  async replicasOf(key: string): Promise<string[]> {
    if (this.redis.status !== 'ready') await this.redis.ping().catch(() => {});
    const owners = this.redis.slots[calculateSlot(key)] ?? [];
    return owners.flatMap((owner) => {
      const host = owner.slice(0, owner.lastIndexOf(':'));
      const node = this.cluster.nodes.find((n) => n.host === host);
      return node ? [node.id] : [];
    });
  }

  protected override completionOf(op: Invocation, error: unknown): Completion {
    return completionOf(op, error);
  }

  async close(): Promise<void> {
    POOL.release(this.poolKey);
    this.local?.disconnect();
  }
}

/** Records and registers: strings, cas in Lua. */
export class RedisKvClient extends RedisWorker {
  protected async serve(op: Invocation, key: string): Promise<Completion> {
    const r = this.redis;
    switch (op.f) {
      case 'read': {
        const value = await r.get(key);
        return { type: 'ok', value: value === null ? null : JSON.parse(value) };
      }
      case 'write':
      case 'insert':
      case 'update':
        await r.set(key, JSON.stringify(op.value));
        return { type: 'ok', value: op.value };
      case 'rmw':
        await readPart(r.get(key));
        await r.set(key, JSON.stringify(op.value));
        return { type: 'ok', value: op.value };
      case 'cas': {
        const [expected, next] = op.value as [unknown, unknown];
        const applied = await r.eval(
          CAS,
          1,
          key,
          JSON.stringify(expected),
          JSON.stringify(next),
          expected === null ? 'absent' : 'present',
        );
        return applied === 1
          ? { type: 'ok', value: op.value }
          : { type: 'fail', error: 'cas: expected value not found' };
      }
      default:
        return this.unsupported(op);
    }
  }
}

/** A set as a Redis set: SADD, SMEMBERS. */
export class RedisSetClient extends RedisWorker {
  protected async serve(op: Invocation, key: string): Promise<Completion> {
    if (op.f === 'add') {
      await this.redis.sadd(key, JSON.stringify(op.value));
      return { type: 'ok', value: op.value };
    }
    if (op.f !== 'read') return this.unsupported(op);
    return { type: 'ok', value: await this.readCopy(this.redis, key) };
  }

  protected override async readCopy(redis: Redis | IoCluster, key: string): Promise<unknown> {
    const members = (await redis.smembers(key)).map((m) => JSON.parse(m) as number);
    return members.sort((a, b) => a - b);
  }
}

/** A counter as INCRBY on a string. */
export class RedisCounterClient extends RedisWorker {
  protected async serve(op: Invocation, key: string): Promise<Completion> {
    if (op.f === 'add') {
      await this.redis.incrby(key, Number(op.value));
      return { type: 'ok', value: op.value };
    }
    if (op.f !== 'read') return this.unsupported(op);
    return { type: 'ok', value: await this.readCopy(this.redis, key) };
  }

  protected override async readCopy(redis: Redis | IoCluster, key: string): Promise<unknown> {
    return Number((await redis.get(key)) ?? 0);
  }
}

/** Elle's micro-ops on lists (RPUSH, LRANGE) in one MULTI/EXEC, every key in one hash slot. */
export class RedisListAppendClient extends RedisWorker {
  protected async serve(op: Invocation): Promise<Completion> {
    if (op.f !== 'txn') return this.unsupported(op);
    const micro = op.value as [string, string, unknown][];
    const multi = this.redis.multi();
    for (const [f, k, v] of micro) {
      if (f === 'append') multi.rpush(tagged('la', k), JSON.stringify(v));
      else multi.lrange(tagged('la', k), 0, -1);
    }
    const results = await multi.exec();
    if (!results) return { type: 'fail', error: 'transaction aborted' };
    const done = micro.map(([f, k, v], i) => {
      const [error, result] = results[i]!;
      if (error) throw error;
      return f === 'append' ? [f, k, v] : [f, k, (result as string[]).map((x) => JSON.parse(x))];
    });
    return { type: 'ok', value: done };
  }
}

/** The bank: balances as strings in one hash slot, a transfer as one Lua script. */
export class RedisBankClient extends RedisWorker {
  protected async serve(op: Invocation): Promise<Completion> {
    const r = this.redis;
    if (op.f === 'write') {
      await r.set(tagged('bank', op.key!), String(op.value));
      return { type: 'ok', value: op.value };
    }
    if (op.f === 'transfer') {
      const { from, to, amount } = op.value as { from: string; to: string; amount: number };
      const moved = await r.eval(TRANSFER, 2, tagged('bank', from), tagged('bank', to), amount);
      return moved === 1
        ? { type: 'ok', value: op.value }
        : { type: 'fail', error: 'insufficient funds' };
    }
    if (op.f !== 'read') return this.unsupported(op);
    // A read of every balance: the workload passes the accounts in `value`.
    const accounts = op.value as string[];
    const balances = await r.mget(...accounts.map((a) => tagged('bank', a)));
    return {
      type: 'ok',
      value: Object.fromEntries(accounts.map((a, i) => [a, Number(balances[i] ?? 0)])),
    };
  }
}

/**
 * One ioredis cluster client per pinned node, shared by the workers pinned
 * there, as an application server shares one client: it multiplexes their
 * commands over its connections (auto-pipelining stays off: with workers
 * that run one command at a time it only queued them) and refreshes one
 * slot map, where 32
 * private clients each opened a connection a second for CLUSTER SLOTS. Each
 * worker still runs one operation at a time.
 */
const POOL = new SharedClients<IoCluster>((io) => io.disconnect());

/** A client is made for one cluster's addresses, from one node's client address, with one timeout. */
function poolKey(cluster: Cluster, node: NodeHandle, settings: RedisSettings): string {
  const seeds = cluster.nodes.map((n) => `${n.host}:${n.port}`).join(',');
  return `${seeds} from ${node.clientAddress} ${settings.clientTimeoutMs}`;
}

function clusterClient(cluster: Cluster, node: NodeHandle, settings: RedisSettings): IoCluster {
  const timeout = settings.clientTimeoutMs;
  const io = new IoCluster(
    cluster.nodes.map((n) => ({ host: n.host, port: n.port })),
    {
      redisOptions: {
        // ioredis's own option type for it is not exported.
        Connector: boundConnector(node.clientAddress) as never,
        connectTimeout: timeout,
        commandTimeout: timeout,
        maxRetriesPerRequest: 1,
      },
      enableAutoPipelining: false,
      // Without periodic refreshes a client cut off from an old master
      // keeps timing out although a replica has been promoted.
      slotsRefreshInterval: 1000,
      slotsRefreshTimeout: timeout,
      retryDelayOnClusterDown: 100,
      retryDelayOnFailover: 100,
      maxRedirections: 8,
    },
  );
  io.on('error', () => {});
  return io;
}

const READS = new Set(['read']);

/**
 * fail = certainly not applied: any read error, a reply error from the
 * server (it refused the command: CLUSTERDOWN, READONLY, ...), a connection
 * that was never made. A timeout or a dropped connection after sending may
 * have applied: info.
 */
function completionOf(op: Invocation, error: unknown): Completion {
  const cause = error instanceof ReadPartFailed ? error.cause : error;
  const message = cause instanceof Error ? cause.message : String(cause);
  const readOnly =
    READS.has(op.f) ||
    error instanceof ReadPartFailed ||
    (op.f === 'txn' && (op.value as [string][]).every(([f]) => f === 'r'));
  if (readOnly) return { type: 'fail', error: message };
  if (cause instanceof ReplyError) return { type: 'fail', error: message };
  // Never sent: no connection, or no slot map to route by.
  if (/ECONNREFUSED|isn't writeable|Failed to refresh slots cache/.test(message))
    return { type: 'fail', error: message };
  return { type: 'info', error: message };
}
