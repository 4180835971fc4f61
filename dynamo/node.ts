import { createServer, type Server, type Socket } from 'node:net';
import { Connection } from './connection.ts';
import { nextIncarnation } from './incarnation.ts';
import {
  DynamoError,
  type GetResult,
  type LocalGetResult,
  lineReader,
  type PutResult,
  type Request,
  type StatusResult,
} from './protocol.ts';
import { Ring } from './ring.ts';
import { type FsyncPolicy, LogStore } from './storage.ts';
import {
  clockOf,
  contextOf,
  EMPTY_CONTEXT,
  merge,
  nextCounter,
  sameVersions,
  type Version,
} from './vclock.ts';

export interface Member {
  id: string;
  host: string;
  port: number;
}

export interface NodeConfig {
  id: string;
  /** Every member of the cluster, this node included (static membership for now). */
  members: Member[];
  tokens: number;
  /** Defaults for requests that do not set their own N/R/W. */
  n: number;
  r: number;
  w: number;
  dataDir: string;
  fsync: FsyncPolicy;
  fsyncIntervalMs: number;
  /** How long a coordinator waits for one replica. */
  replicaTimeoutMs: number;
}

/**
 * One node of the Dynamo-style store. Every node can coordinate any request
 * (symmetry); a write is coordinated by a node of the key's preference list,
 * so a node outside it forwards the write in a single hop.
 *
 * Where later techniques slot in: `replicasFor` is the one place that picks
 * the nodes a request goes to (sloppy quorum and hinted handoff replace it),
 * `membership` is a static list (gossip replaces it), and `LogStore.keys()`
 * is what a Merkle tree for anti-entropy would be built over.
 */
export class DynamoNode {
  private readonly ring: Ring;
  private readonly peers = new Map<string, Connection>();
  private readonly sockets = new Set<Socket>();
  private readonly startedAt = Date.now();
  private server: Server | undefined;

  private constructor(
    readonly config: NodeConfig,
    private readonly store: LogStore,
    /** The id this start of the node issues dots under (see incarnation.ts). */
    private readonly actor: string,
  ) {
    const ids = config.members.map((m) => m.id);
    if (!ids.includes(config.id)) throw new Error(`node ${config.id} is not among the members`);
    this.ring = new Ring(ids, config.tokens);
    const self = this.self;
    for (const member of config.members) {
      if (member.id === config.id) continue;
      this.peers.set(
        member.id,
        new Connection({
          host: member.host,
          port: member.port,
          localAddress: self.host,
          connectTimeoutMs: config.replicaTimeoutMs,
        }),
      );
    }
  }

  static async start(config: NodeConfig): Promise<DynamoNode> {
    const incarnation = await nextIncarnation(config.dataDir);
    const store = await LogStore.open(config.dataDir, {
      fsync: config.fsync,
      fsyncIntervalMs: config.fsyncIntervalMs,
    });
    const node = new DynamoNode(config, store, `${config.id}#${incarnation}`);
    await node.listen();
    return node;
  }

  get self(): Member {
    return this.config.members.find((m) => m.id === this.config.id)!;
  }

  async stop(): Promise<void> {
    for (const peer of this.peers.values()) peer.close();
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) =>
      this.server ? this.server.close(() => resolve()) : resolve(),
    );
    await this.store.close();
  }

  async handle(request: Request): Promise<unknown> {
    switch (request.type) {
      case 'get':
        return this.coordinateGet(request.key, this.quorum(request), request.repairSync ?? false);
      case 'put':
        return this.coordinatePut(request);
      case 'local-get':
        return { versions: this.store.get(request.key) } satisfies LocalGetResult;
      case 'replicate':
        await this.applyVersions(request.key, request.versions);
        return {};
      case 'preflist':
        return { nodes: this.replicasFor(request.key, request.n ?? this.config.n) };
      case 'status':
        return {
          id: this.config.id,
          pid: process.pid,
          keys: this.store.size,
          nodes: this.config.members.map((m) => m.id),
          startedAt: this.startedAt,
          now: Date.now(),
        } satisfies StatusResult;
      default:
        throw new DynamoError('bad-request', `unknown request type`, true);
    }
  }

  /** The nodes a request for `key` goes to: its preference list. */
  replicasFor(key: string, n: number): string[] {
    return this.ring.preferenceList(key, n);
  }

  private quorum(request: { n?: number; r?: number; w?: number }) {
    const n = request.n ?? this.config.n;
    const r = request.r ?? this.config.r;
    const w = request.w ?? this.config.w;
    const max = this.config.members.length;
    for (const [name, value] of [
      ['n', n],
      ['r', r],
      ['w', w],
    ] as const) {
      if (!Number.isInteger(value) || value < 1) {
        throw new DynamoError('bad-request', `${name} must be a positive integer`, true);
      }
    }
    if (n > max) throw new DynamoError('bad-request', `n=${n} exceeds the ${max} nodes`, true);
    if (r > n || w > n)
      throw new DynamoError('bad-request', `r and w must not exceed n=${n}`, true);
    return { n, r, w };
  }

  private async coordinateGet(
    key: string,
    { n, r }: { n: number; r: number },
    repairSync: boolean,
  ): Promise<GetResult> {
    const replicas = this.replicasFor(key, n);
    const replies = new Map<string, Version[]>();
    const calls = replicas.map((node) =>
      this.readReplica(node, key).then((versions) => {
        replies.set(node, versions);
      }),
    );
    await firstSuccesses(calls, r);
    if (replies.size < r) {
      throw new DynamoError(
        'quorum',
        `read quorum not met: ${replies.size} of r=${r} replicas answered (of ${replicas.join(',')})`,
        true,
      );
    }
    const versions = [...replies.values()].reduce((acc, v) => merge(acc, v), [] as Version[]);
    const answered = replies.size;
    const repair = Promise.allSettled(calls).then(() => this.readRepair(key, replies));
    if (repairSync) await repair;
    else repair.catch(() => {});
    return {
      siblings: versions.map((v) => ({ value: v.value, clock: clockOf(v), ts: v.ts })),
      context: contextOf(versions),
      replies: answered,
    };
  }

  /** Sends the merge of every reply to each replica that answered with less. */
  private async readRepair(key: string, replies: Map<string, Version[]>): Promise<void> {
    const merged = [...replies.values()].reduce((acc, v) => merge(acc, v), [] as Version[]);
    await Promise.allSettled(
      [...replies]
        .filter(([, versions]) => !sameVersions(versions, merged))
        .map(([node]) => this.writeReplica(node, key, merged)),
    );
  }

  private async coordinatePut(request: Extract<Request, { type: 'put' }>): Promise<PutResult> {
    const { n, w } = this.quorum(request);
    const replicas = this.replicasFor(request.key, n);
    if (!replicas.includes(this.config.id)) return this.forwardPut(replicas, request);

    const stored = this.store.get(request.key);
    const context = request.context ?? EMPTY_CONTEXT;
    const version: Version = {
      value: request.value,
      dot: { node: this.actor, counter: nextCounter(this.actor, stored, context) },
      context,
      ts: Date.now(),
    };
    // The local write is synchronous in memory, so two puts of one key on
    // this node can never take the same counter; the actor id changes at
    // every start, so a counter lost in a crash is never issued again.
    const calls = replicas.map((node) =>
      node === this.config.id
        ? this.store.put(request.key, merge(stored, [version]))
        : this.writeReplica(node, request.key, [version]),
    );
    const acks = await firstSuccesses(calls, w);
    if (acks < w) {
      // Stored on `acks` replicas (maybe this one): the write may surface
      // later, so the outcome is unknown to the client, not a failure.
      throw new DynamoError(
        'quorum',
        `write quorum not met: ${acks} of w=${w} replicas acknowledged (of ${replicas.join(',')})`,
        false,
      );
    }
    // The writer has now seen exactly this version and what it had seen.
    return { clock: clockOf(version), context: contextOf([version]), acks };
  }

  /** Single-hop routing: hand the write to the first reachable replica. */
  private async forwardPut(
    replicas: string[],
    request: Extract<Request, { type: 'put' }>,
  ): Promise<PutResult> {
    for (const node of replicas) {
      try {
        return await this.peer(node).request<PutResult>(request, this.config.replicaTimeoutMs * 2);
      } catch (error) {
        // Only a connection that never formed proves the write never left.
        if (error instanceof DynamoError && error.code === 'unreachable') continue;
        throw error;
      }
    }
    throw new DynamoError(
      'quorum',
      `no replica of the key reachable (${replicas.join(',')})`,
      true,
    );
  }

  private async readReplica(node: string, key: string): Promise<Version[]> {
    if (node === this.config.id) return this.store.get(key);
    const result = await this.peer(node).request<LocalGetResult>(
      { type: 'local-get', key },
      this.config.replicaTimeoutMs,
    );
    return result.versions;
  }

  private async writeReplica(node: string, key: string, versions: Version[]): Promise<void> {
    if (node === this.config.id) return this.applyVersions(key, versions);
    await this.peer(node).request(
      { type: 'replicate', key, versions },
      this.config.replicaTimeoutMs,
    );
  }

  private async applyVersions(key: string, versions: Version[]): Promise<void> {
    const stored = this.store.get(key);
    const merged = merge(stored, versions);
    if (sameVersions(merged, stored)) return;
    await this.store.put(key, merged);
  }

  private peer(node: string): Connection {
    const peer = this.peers.get(node);
    if (!peer) throw new DynamoError('internal', `unknown node ${node}`, true);
    return peer;
  }

  private listen(): Promise<void> {
    const { host, port } = this.self;
    this.server = createServer((socket) => this.serve(socket));
    return new Promise((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen({ host, port, backlog: 1024 }, () => resolve());
    });
  }

  private serve(socket: Socket): void {
    socket.setNoDelay(true);
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    const reply = (body: object) => {
      if (!socket.destroyed) socket.write(`${JSON.stringify(body)}\n`);
    };
    socket.on(
      'data',
      lineReader((message) => {
        const { id, ...request } = message as Request & { id: number };
        this.handle(request as Request).then(
          (result) => reply({ id, ok: true, result }),
          (error: unknown) =>
            reply({
              id,
              ok: false,
              error:
                error instanceof DynamoError
                  ? error.toWire()
                  : { code: 'internal', message: String(error), definite: false },
            }),
        );
      }),
    );
  }
}

/**
 * Resolves once `needed` of the calls have succeeded, or all have settled;
 * gives the number of successes at that moment. The other calls go on.
 */
function firstSuccesses(calls: Promise<unknown>[], needed: number): Promise<number> {
  return new Promise((resolve) => {
    let ok = 0;
    let settled = 0;
    const check = () => {
      if (ok >= needed || settled === calls.length) resolve(ok);
    };
    for (const call of calls) {
      call.then(
        () => {
          ok++;
          settled++;
          check();
        },
        () => {
          settled++;
          check();
        },
      );
    }
    check();
  });
}
