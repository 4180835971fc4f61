import { randomBytes } from 'node:crypto';
import type { NodeAddress } from './client.ts';
import { Connection } from './connection.ts';
import { type Rings, ringsOf } from './membership.ts';
import { digestOf } from './merkle.ts';
import {
  type ClockOptions,
  DynamoError,
  type ErrorCode,
  type GetResult,
  type LocalGetResult,
  type PutResult,
  type QuorumOptions,
  type ReadAnswer,
  type RingResult,
  replicateRequest,
} from './protocol.ts';
import { type Target, withStandIns } from './stand-ins.ts';
import {
  type Context,
  clockOf,
  contextOf,
  EMPTY_CONTEXT,
  joinVersions,
  type Version,
} from './vclock.ts';

export interface ClusterClientOptions {
  /** The nodes it asks for the ring, in order (a worker's own node first). */
  seeds: NodeAddress[];
  /** Source address of every connection (a worker's, so a partition cuts it too). */
  localAddress?: string;
  /** How long it waits for one replica. */
  replicaTimeoutMs: number;
  /** Defaults for requests that set no N/R/W. */
  n: number;
  r: number;
  w: number;
  /** How old its copy of the ring may grow before the next request fetches a new one. */
  ringMaxAgeMs?: number;
  /** How long a node that left a request unanswered stays suspected. */
  suspectMs?: number;
}

/** Dynamo's clients polled membership every 10 s; nodes refuse what a stale ring misroutes. */
const RING_MAX_AGE_MS = 1000;
/** How long a node that left a request unanswered stays suspected: asked last by reads, stood in for by writes. */
const SUSPECT_MS = 2000;
const UNANSWERED = new Set<ErrorCode>(['unreachable', 'timeout', 'connection-lost']);

interface Ring {
  rings: Rings;
  members: Map<string, NodeAddress>;
  settings: Omit<RingResult, 'states' | 'tokens'>;
  fetchedAt: number;
  /** The client's own node in it (null: none), found once. */
  own?: string | null;
}

/**
 * Client-driven coordination (the Dynamo paper, section 6.4): the client
 * keeps a copy of the ring, sends a write straight to the key's replicas
 * and a read to them, and counts the quorum itself, where a coordinating
 * node is one more hop each way. Writes get dots under this client's own
 * actor id, as the paper's clients do under vector clocks: an id made at
 * random for each client, so no two clients, nor two lives of one, share
 * a counter. What a coordinating node adds (sloppy quorum's stand-ins,
 * read repair, copies to the owners-to-be during a move) the client does
 * too; nodes refuse (`not-owner`) what a ring that is behind misroutes,
 * and the client then fetches the ring again.
 */
export class ClusterClient {
  private readonly actor = `c-${randomBytes(6).toString('hex')}`;
  /** The last counter issued per key: this actor's dots of a key run 1, 2, 3… */
  private readonly issued = new Map<string, number>();
  private readonly connections = new Map<string, Connection>();
  /** Node → until when it is suspected (ms). */
  private readonly suspects = new Map<string, number>();
  private ring: Ring | undefined;
  private fetching: Promise<Ring> | undefined;

  constructor(private readonly options: ClusterClientOptions) {}

  async get(
    key: string,
    options: QuorumOptions & ClockOptions & { repairSync?: boolean } = {},
  ): Promise<GetResult> {
    return this.routed(async (ring) => {
      const n = options.n ?? this.options.n;
      const r = options.r ?? this.options.r;
      const owners = ring.rings.current.preferenceList(key, n);
      const { targets, spares } = this.readTargets(ring, key, owners, r);
      // One replica sends its data, the others only their digests, as
      // Cassandra's digest reads: replicas mostly agree, and parsing and
      // merging every replica's dozen siblings was most of a read.
      const data = targets[0]!.node;
      // Clocks are for display: they need the versions themselves.
      const dataAs = options.clocks ? 'versions' : 'answer';
      const replies = new Map<string, Reply>();
      const errors: DynamoError[] = [];
      let dataCall: Promise<void> | undefined;
      const { done, all } = withStandIns(targets, spares, r, (standIn) => {
        // An owner asked in another's place is asked as the owner it is.
        const target = owners.includes(standIn.node) ? { node: standIn.node } : standIn;
        const isData = target.node === data || target.hint === data;
        const call = this.readReplica(ring, key, n, target, isData ? dataAs : 'digest').then(
          (reply) => {
            replies.set(target.node, reply);
          },
          (error: DynamoError) => {
            errors.push(error);
            throw error;
          },
        );
        if (isData) dataCall = call;
        return call;
      });
      await done;
      // Digests came first: the data on its way costs less than asking them for theirs.
      if (![...replies.values()].some((reply) => reply.answer || reply.versions))
        await dataCall?.catch(() => {});
      if (replies.size < r) throw quorumError('read', replies.size, r, targets, errors, true);
      const repair = ring.settings.readRepair
        ? all.then(() => this.readRepair(ring, key, n, replies))
        : Promise.resolve();
      const result = await this.readResult(ring, key, n, replies, r, options.clocks);
      if (!result) throw quorumError('read', replies.size, r, targets, errors, true);
      if (options.repairSync) await repair;
      else repair.catch(() => {});
      return result;
    });
  }

  async put(
    key: string,
    value: unknown,
    context?: Context,
    options: QuorumOptions & ClockOptions = {},
  ): Promise<PutResult> {
    const counter = (this.issued.get(key) ?? 0) + 1;
    this.issued.set(key, counter);
    const version: Version = {
      value,
      dot: { node: this.actor, counter },
      context: context ?? EMPTY_CONTEXT,
      ts: Date.now(),
    };
    const json = JSON.stringify([version]);
    return this.routed(async (ring) => {
      const n = options.n ?? this.options.n;
      const w = options.w ?? this.options.w;
      const { targets, spares } = this.targetsFor(ring, key, n);
      // One request for every owner; a stand-in's names the owner it holds the hint for.
      const request = replicateRequest(key, json, undefined, n);
      if (ring.rings.moving) {
        for (const node of ring.rings.future.preferenceList(key, n)) {
          if (!targets.some((t) => t.node === node)) this.call(ring, node, request).catch(() => {});
        }
      }
      const errors: DynamoError[] = [];
      const { done } = withStandIns(targets, spares, w, (target) =>
        this.call(
          ring,
          target.node,
          target.hint ? replicateRequest(key, json, target.hint) : request,
        ).then(
          () => {},
          (error: DynamoError) => {
            errors.push(error);
            throw error;
          },
        ),
      );
      const acks = await done;
      if (acks < w) {
        // Definite only when no replica can have stored it: none acked,
        // every request was refused or never left, and no copy went to an
        // owner-to-be.
        const definite = acks === 0 && !ring.rings.moving && errors.every((e) => e.definite);
        throw quorumError('write', acks, w, targets, errors, definite);
      }
      const seen = contextOf([version]);
      return options.clocks
        ? { clock: clockOf(version), context: seen, acks }
        : { context: seen, acks };
    });
  }

  close(): void {
    for (const connection of this.connections.values()) connection.close();
    this.connections.clear();
  }

  /**
   * Runs a request by the client's ring; when a node refused it as routed
   * by a ring that is behind, once more by a ring fetched anew.
   */
  private async routed<T>(run: (ring: Ring) => Promise<T>): Promise<T> {
    try {
      return await run(await this.currentRing());
    } catch (error) {
      if (!(error instanceof MisroutedError)) throw error;
      this.ring = undefined;
      // A write tried again keeps its dot, so replicas that took it once merge it once.
      try {
        return await run(await this.currentRing());
      } catch (again) {
        const last = again instanceof MisroutedError ? again.cause : again;
        // What the first try may have stored, the second cannot undo.
        if (!error.cause.definite && last instanceof DynamoError && last.definite)
          throw new DynamoError(last.code, last.message, false);
        throw last;
      }
    }
  }

  /**
   * A write's: the key's owners; with sloppy quorum, a stand-in from the
   * rest of its walk, holding a hint, for each owner suspected (as a node
   * replaces those its detector convicted), and the rest of the walk for
   * any that fails.
   */
  private targetsFor(ring: Ring, key: string, n: number): { targets: Target[]; spares: string[] } {
    const owners = ring.rings.current.preferenceList(key, n);
    const spares = this.standIns(ring, key, owners);
    if (!ring.settings.sloppyQuorum || this.suspects.size === 0)
      return { targets: owners.map((node) => ({ node })), spares };
    const trusted = spares.filter((node) => !this.suspected(node));
    const rest = spares.filter((node) => this.suspected(node));
    const targets: Target[] = [];
    for (const owner of owners) {
      const standIn = this.suspected(owner) ? trusted.shift() : undefined;
      targets.push(standIn ? { node: standIn, hint: owner } : { node: owner });
    }
    return { targets, spares: [...trusted, ...rest] };
  }

  /**
   * A read's: R of the key's owners (the client's own node first, as the
   * one sending its data; suspects last), the other owners next in line
   * for any that fails, then, with sloppy quorum, the rest of the walk. R
   * and not N, as Cassandra asks only as many replicas as the read needs:
   * a third request per read was a third of a read-heavy client's work.
   */
  private readTargets(
    ring: Ring,
    key: string,
    owners: readonly string[],
    r: number,
  ): { targets: Target[]; spares: string[] } {
    const own = this.ownId(ring);
    const rank = (node: string) => (this.suspected(node) ? 2 : node === own ? 0 : 1);
    const ordered = [...owners].sort((a, b) => rank(a) - rank(b));
    return {
      targets: ordered.slice(0, r).map((node) => ({ node })),
      spares: [...ordered.slice(r), ...this.standIns(ring, key, owners)],
    };
  }

  private standIns(ring: Ring, key: string, owners: readonly string[]): string[] {
    return ring.settings.sloppyQuorum ? ring.rings.current.walk(key).slice(owners.length) : [];
  }

  /** The member id of the client's own node (its first seed), if it is one. */
  private ownId(ring: Ring): string | undefined {
    if (ring.own === undefined) {
      const seed = this.options.seeds[0];
      ring.own =
        [...ring.members].find(([, m]) => m.host === seed?.host && m.port === seed?.port)?.[0] ??
        null;
    }
    return ring.own ?? undefined;
  }

  /** A node that failed a request lately: a client's failure detector in its simplest form. */
  private suspected(node: string): boolean {
    const until = this.suspects.get(node);
    if (until === undefined) return false;
    if (Date.now() < until) return true;
    this.suspects.delete(node);
    return false;
  }

  private async readReplica(
    ring: Ring,
    key: string,
    n: number,
    target: Target,
    as: 'answer' | 'versions' | 'digest',
  ): Promise<Reply> {
    const hint = target.hint ? { hint: target.hint } : {};
    const request = {
      type: 'local-get' as const,
      key,
      ...(target.hint ? {} : { owner: n }),
      ...(as === 'versions' ? {} : { [as]: true }),
    };
    const result = await this.call<LocalGetResult>(ring, target.node, request);
    if ('versions' in result)
      return { digest: digestOf(result.versions), versions: result.versions, ...hint };
    if ('siblings' in result) return { digest: result.digest, answer: result, ...hint };
    return { digest: (result as { digest: string }).digest, ...hint };
  }

  /**
   * A get's answer: the data replica's own, when every reply has its
   * digest; else the join of the replies' sets, each distinct set fetched
   * once. Undefined when fewer than `r` replies could be counted.
   */
  private async readResult(
    ring: Ring,
    key: string,
    n: number,
    replies: Map<string, Reply>,
    r: number,
    clocks?: boolean,
  ): Promise<GetResult | undefined> {
    const answered = [...replies.values()];
    const agreed = answered.every((reply) => reply.digest === answered[0]!.digest);
    const answer = answered.find((reply) => reply.answer)?.answer;
    if (agreed && answer)
      return { siblings: answer.siblings, context: answer.context, replies: replies.size };
    const versions = await this.joined(ring, key, n, replies, r);
    if (!versions) return undefined;
    return {
      siblings: versions.map((v) =>
        clocks ? { value: v.value, clock: clockOf(v), ts: v.ts } : { value: v.value },
      ),
      context: contextOf(versions),
      replies: replies.size,
    };
  }

  /**
   * The join of the replies' sets, fetching one reply's set for each
   * digest no set in hand has; undefined when fewer than `r` replies have
   * a set in hand or fetched.
   */
  private async joined(
    ring: Ring,
    key: string,
    n: number,
    replies: Map<string, Reply>,
    r: number,
  ): Promise<Version[] | undefined> {
    const sets = new Map<string, Version[]>();
    for (const reply of replies.values())
      if (reply.versions) sets.set(reply.digest, reply.versions);
    const missing = new Map<string, [string, Reply]>();
    for (const [node, reply] of replies)
      if (!sets.has(reply.digest) && !missing.has(reply.digest))
        missing.set(reply.digest, [node, reply]);
    await Promise.allSettled(
      [...missing].map(async ([digest, [node, reply]]) => {
        const target = { node, ...(reply.hint ? { hint: reply.hint } : {}) };
        const full = await this.readReplica(ring, key, n, target, 'versions');
        // Asked again, the replica may hold more by now: its new set counts
        // for it, and is kept for read repair's join.
        sets.set(digest, full.versions!);
        reply.versions = full.versions!;
      }),
    );
    const counted = [...replies.values()].filter((reply) => sets.has(reply.digest));
    if (counted.length < r) return undefined;
    return join(ring, [...sets.values()]);
  }

  /**
   * Sends the join of every reply (late ones too) to each replica that
   * answered with less.
   */
  private async readRepair(
    ring: Ring,
    key: string,
    n: number,
    replies: Map<string, Reply>,
  ): Promise<void> {
    const digests = new Set([...replies.values()].map((reply) => reply.digest));
    if (digests.size <= 1) return;
    const merged = await this.joined(ring, key, n, replies, 0);
    if (!merged) return;
    const digest = digestOf(merged);
    const behind = [...replies].filter(([, reply]) => reply.digest !== digest);
    if (behind.length === 0) return;
    const json = JSON.stringify(merged);
    await Promise.allSettled(
      behind.map(([node, reply]) => this.call(ring, node, replicateRequest(key, json, reply.hint))),
    );
  }

  private async call<T>(
    ring: Ring,
    node: string,
    request: Parameters<Connection['request']>[0],
  ): Promise<T> {
    try {
      const result = await this.connection(ring, node).request<T>(
        request,
        this.options.replicaTimeoutMs,
      );
      if (this.suspects.size > 0) this.suspects.delete(node);
      return result;
    } catch (error) {
      if (error instanceof DynamoError) {
        // The next request fetches the ring anew, even if this one met its quorum.
        if (error.code === 'not-owner') ring.fetchedAt = 0;
        if (UNANSWERED.has(error.code))
          this.suspects.set(node, Date.now() + (this.options.suspectMs ?? SUSPECT_MS));
      }
      throw error;
    }
  }

  private connection(ring: Ring, node: string): Connection {
    let connection = this.connections.get(node);
    if (!connection) {
      const member = ring.members.get(node);
      if (!member) throw new DynamoError('internal', `unknown node ${node}`, true);
      connection = new Connection({
        host: member.host,
        port: member.port,
        ...(this.options.localAddress ? { localAddress: this.options.localAddress } : {}),
        connectTimeoutMs: this.options.replicaTimeoutMs,
      });
      this.connections.set(node, connection);
    }
    return connection;
  }

  /** The ring, fetched when the client has none or it is older than its max age (then in the background). */
  private currentRing(): Promise<Ring> {
    const ring = this.ring;
    if (ring && Date.now() - ring.fetchedAt < (this.options.ringMaxAgeMs ?? RING_MAX_AGE_MS))
      return Promise.resolve(ring);
    if (!this.fetching) {
      this.fetching = this.fetchRing().finally(() => {
        this.fetching = undefined;
      });
    }
    const fetching = this.fetching;
    // A stale ring serves while the new one comes: nodes refuse what it misroutes.
    if (ring) {
      fetching.catch(() => {});
      return Promise.resolve(ring);
    }
    return fetching;
  }

  private async fetchRing(): Promise<Ring> {
    let last: unknown;
    for (const seed of this.options.seeds) {
      const connection = this.seedConnection(seed);
      try {
        const result = await connection.request<RingResult>(
          { type: 'ring' },
          this.options.replicaTimeoutMs,
        );
        const { states, tokens, ...settings } = result;
        const ring: Ring = {
          rings: ringsOf(states, tokens),
          members: new Map(states.map((s) => [s.id, { host: s.host, port: s.port }])),
          settings,
          fetchedAt: Date.now(),
        };
        this.ring = ring;
        return ring;
      } catch (error) {
        last = error;
      }
    }
    throw last instanceof DynamoError
      ? last
      : new DynamoError('unreachable', `no seed answered for the ring: ${String(last)}`, true);
  }

  /** A seed's connection, the one its member's requests use once the ring names it. */
  private seedConnection(seed: NodeAddress): Connection {
    const known = [...(this.ring?.members ?? [])].find(
      ([, m]) => m.host === seed.host && m.port === seed.port,
    );
    if (known) return this.connection(this.ring!, known[0]);
    const id = `${seed.host}:${seed.port}`;
    let connection = this.connections.get(id);
    if (!connection) {
      connection = new Connection({
        ...seed,
        ...(this.options.localAddress ? { localAddress: this.options.localAddress } : {}),
        connectTimeoutMs: this.options.replicaTimeoutMs,
      });
      this.connections.set(id, connection);
    }
    return connection;
  }
}

/** A replica's answer to a read: its set's digest; the data replica's answer, or a set asked for. */
interface Reply {
  digest: string;
  answer?: ReadAnswer;
  versions?: Version[];
  hint?: string;
}

/** A quorum missed because nodes refused requests as misrouted: the ring the client routed by is behind. */
class MisroutedError extends Error {
  constructor(override readonly cause: DynamoError) {
    super(cause.message);
  }
}

function join(ring: Ring, sets: Version[][]): Version[] {
  let joined: Version[] | undefined;
  for (const set of sets)
    joined = joined === undefined ? set : joinVersions(ring.settings.conflicts, joined, set);
  return joined ?? [];
}

function quorumError(
  what: 'read' | 'write',
  got: number,
  needed: number,
  targets: readonly Target[],
  errors: readonly DynamoError[],
  definite: boolean,
): DynamoError | MisroutedError {
  const letter = what === 'read' ? 'r' : 'w';
  const why = errors.length > 0 ? `: ${errors[0]!.message}` : '';
  const error = new DynamoError(
    'quorum',
    `${what} quorum not met: ${got} of ${letter}=${needed} replicas ${what === 'read' ? 'answered' : 'acknowledged'} (of ${targets.map((t) => t.node).join(',')})${why}`,
    definite,
  );
  return errors.some((e) => e.code === 'not-owner') ? new MisroutedError(error) : error;
}
