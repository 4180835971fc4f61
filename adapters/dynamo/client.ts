import { DynamoClient } from '../../dynamo/client.ts';
import { ClusterClient } from '../../dynamo/cluster-client.ts';
import { DynamoError } from '../../dynamo/protocol.ts';
import type { Context } from '../../dynamo/vclock.ts';
import { SharedClients } from '../shared-clients.ts';
import type { Completion, Invocation, NodeHandle } from '../types.ts';
import { ReadPartFailed, readPart, WorkerClient } from '../worker-client.ts';
import type { DynamoSettings } from './settings.ts';

const WRITES = new Set(['write', 'insert', 'update']);

/**
 * What the built-in store's clients share: a worker's connection to the
 * node it is pinned to (which coordinates its requests) and, as a Dynamo
 * client library keeps, per key, the context of the last version it read
 * or wrote, sent with its next write: a worker's writes supersede what it
 * has seen, while writes of workers that have not seen each other stay
 * siblings.
 */
abstract class DynamoWorker extends WorkerClient {
  /** The worker's node: its replica reads and placement questions. */
  protected readonly client: DynamoClient;
  /** Who coordinates its reads and writes: the node, or the client itself (`--coordination`). */
  protected readonly coordinator: Pick<DynamoClient, 'get' | 'put'>;
  protected readonly contexts = new Map<string, Context>();
  private readonly replicas = new Map<string, string[]>();

  constructor(
    nodes: readonly NodeHandle[],
    protected readonly node: NodeHandle,
    protected readonly settings: DynamoSettings,
  ) {
    super();
    this.client = POOL.acquire(
      poolKey(node, settings),
      () =>
        new DynamoClient({
          host: node.host,
          port: node.port,
          localAddress: node.clientAddress,
          timeoutMs: settings.clientTimeoutMs,
          connectTimeoutMs: settings.clientTimeoutMs,
        }),
    );
    this.coordinator =
      settings.coordination === 'client'
        ? COORDINATORS.acquire(
            coordinatorKey(node, settings),
            () =>
              new ClusterClient({
                // Its own node first, as a worker asks it first.
                seeds: [node, ...nodes.filter((other) => other !== node)],
                ...(node.clientAddress ? { localAddress: node.clientAddress } : {}),
                replicaTimeoutMs: settings.replicaTimeoutMs,
                n: settings.n,
                r: settings.r,
                w: settings.w,
              }),
          )
        : this.client;
  }

  protected override async run(op: Invocation): Promise<Completion> {
    const key = op.key;
    if (key === undefined) return { type: 'fail', error: `${op.f} needs a key` };
    if (op.f === 'read') return this.read(op, key);
    return this.write(op, key);
  }

  protected abstract write(op: Invocation, key: string): Promise<Completion>;

  /** Through the cluster at R (the final read at R=N, repairing), or one replica's own copy. */
  private async read(op: Invocation, key: string): Promise<Completion> {
    const { n, r } = this.settings;
    if (op.replica && !(await this.replicasOf(key)).includes(this.node.id))
      return { type: 'fail', error: `${this.node.id} holds no replica of ${key}` };
    if (op.replica || op.final === 'replica') {
      const versions = await this.client.localGet(key);
      return readCompletion(versions.map((v) => v.value));
    }
    const options = op.final === 'cluster' ? { n, r: n, repairSync: true } : { n, r };
    const result = await this.coordinator.get(key, options);
    this.contexts.set(key, result.context);
    return readCompletion(result.siblings.map((s) => s.value));
  }

  /** Writes `value` over the version whose context is `context`. */
  protected async put(key: string, value: unknown, context?: Context): Promise<void> {
    const { n, w } = this.settings;
    const result = await this.coordinator.put(key, value, context, { n, w });
    this.contexts.set(key, result.context);
  }

  protected readWithContext(key: string) {
    const { n, r } = this.settings;
    return readPart(this.coordinator.get(key, { n, r }));
  }

  async replicasOf(key: string): Promise<string[]> {
    // Cached for the worker's life: a membership change mid-run may move a
    // key, and a replica read of it then fails or reads a former owner's copy.
    let replicas = this.replicas.get(key);
    if (!replicas) {
      replicas = await this.client.preferenceList(key, this.settings.n);
      this.replicas.set(key, replicas);
    }
    return replicas;
  }

  protected override completionOf(op: Invocation, error: unknown): Completion {
    return completionOf(op, error);
  }

  async close(): Promise<void> {
    POOL.release(poolKey(this.node, this.settings));
    if (this.settings.coordination === 'client')
      COORDINATORS.release(coordinatorKey(this.node, this.settings));
  }
}

/** Records and registers: writes over the last context seen, rmw over a fresh read. */
export class DynamoKvClient extends DynamoWorker {
  protected async write(op: Invocation, key: string): Promise<Completion> {
    if (WRITES.has(op.f)) await this.put(key, op.value, this.contexts.get(key));
    else if (op.f === 'rmw')
      await this.put(key, op.value, (await this.readWithContext(key)).context);
    else return this.unsupported(op);
    return { type: 'ok', value: op.value };
  }
}

/**
 * A set as one value (a sorted array): concurrent versions are merged by
 * union before an add, as Dynamo's shopping cart does.
 */
export class DynamoSetClient extends DynamoWorker {
  protected async write(op: Invocation, key: string): Promise<Completion> {
    if (op.f !== 'add') return this.unsupported(op);
    const read = await this.readWithContext(key);
    const merged = new Set<unknown>([op.value]);
    for (const s of read.siblings) for (const e of (s.value as unknown[]) ?? []) merged.add(e);
    await this.put(
      key,
      [...merged].sort((a, b) => Number(a) - Number(b)),
      read.context,
    );
    return { type: 'ok', value: op.value };
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

/**
 * One connection per node and client address, shared by the workers
 * pinned there (as the Redis row's workers share ioredis clients): the
 * requests of one event-loop turn go out in one write and come back in one,
 * where a connection per worker cost a socket write per message on both
 * ends.
 */
const POOL = new SharedClients<DynamoClient>((client) => client.close());
/** Likewise one coordinating client per node and client address: one actor id, one ring, a connection per node. */
const COORDINATORS = new SharedClients<ClusterClient>((client) => client.close());

/** What a coordinating client is made with is part of it, so runs with other settings do not share. */
function coordinatorKey(node: NodeHandle, settings: DynamoSettings): string {
  const { n, r, w, replicaTimeoutMs } = settings;
  return `${node.host}:${node.port} from ${node.clientAddress} N=${n} R=${r} W=${w} ${replicaTimeoutMs}`;
}

/** The timeouts are part of the client, so runs with other timeouts do not share. */
function poolKey(node: NodeHandle, settings: DynamoSettings): string {
  return `${node.host}:${node.port} from ${node.clientAddress} ${settings.clientTimeoutMs}`;
}
