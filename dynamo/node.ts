import { createServer, type Server, type Socket } from 'node:net';
import { AntiEntropy } from './anti-entropy.ts';
import { Connection } from './connection.ts';
import { PhiAccrualDetector } from './detector.ts';
import { Gossiper, type Member } from './gossip.ts';
import { HintStore } from './hints.ts';
import { nextIncarnation } from './incarnation.ts';
import { Membership, type Rings, ringsOf } from './membership.ts';
import { digestOf, LEAVES, MerkleIndex } from './merkle.ts';
import {
  DynamoError,
  type GetResult,
  type GossipResult,
  type LocalGetResult,
  lineReader,
  lineWriter,
  okReply,
  type PutResult,
  type ReadAnswer,
  type Request,
  type RingResult,
  replicateRequest,
  Serialized,
  type StatusResult,
} from './protocol.ts';
import { positionOf } from './ring.ts';
import { type Target, withStandIns } from './stand-ins.ts';
import { type FsyncPolicy, LogStore } from './storage.ts';
import {
  type Conflicts,
  clockOf,
  contextOf,
  EMPTY_CONTEXT,
  joinVersions,
  nextCounter,
  sameVersions,
  type Version,
} from './vclock.ts';

export type { Member };

export interface NodeConfig {
  id: string;
  /** Every member of the cluster, this node included (static membership for now); also the gossip seeds. */
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
  /**
   * Sloppy quorum: requests go to the first N nodes of the key's walk that
   * this node believes up, stand-ins holding what they take as hints for
   * the owners they replace. Off: only the key's N owners count.
   */
  sloppyQuorum: boolean;
  gossipIntervalMs: number;
  /** Phi at which the failure detector convicts a silent peer. */
  phiThreshold: number;
  /** How often hints are offered to their owners. */
  handoffIntervalMs: number;
  /** Concurrent versions: kept as siblings for the client, or resolved by last-write-wins. */
  conflicts: Conflicts;
  /** Whether a read sends the merge to replicas that answered with less. */
  readRepair: boolean;
  /** How often a node compares Merkle trees with a peer; 0: never. */
  antiEntropyIntervalMs: number;
  /** Start as a new member: take this node's share of the data, then serve. */
  join?: boolean;
}

const GOSSIP_FANOUT = 2;
/** A replica read's answer when the replica holds the set the coordinator has. */
const SAME = new Serialized('{"same":true}');
const HANDOFF_PARALLEL = 32;

/**
 * One node of the Dynamo-style store. Every node can coordinate any request
 * (symmetry); a write is coordinated by a node of the key's preference list,
 * so a node outside it forwards the write in a single hop.
 *
 * The ring is what gossip says: members and their statuses (membership.ts);
 * `--members` only seeds it.
 */
export class DynamoNode {
  private rings!: Rings;
  private readonly peers = new Map<string, Connection>();
  private readonly sockets = new Set<Socket>();
  private readonly startedAt = Date.now();
  private readonly gossip: Gossiper;
  /**
   * The last counter this start issued per key. A coordinator outside a
   * key's owners keeps its version only as a hint, which goes at handoff;
   * without this, its next write of the key could take the same dot.
   */
  private readonly issued = new Map<string, number>();
  /**
   * Versions as JSON, made once per array: a stored sibling set is replaced,
   * never changed, so it keys its JSON for every replica read until the next
   * write (serializing replies was an eighth of a read-heavy node's time),
   * and a write's one-version array serves all N-1 replicas it goes to.
   */
  private readonly versionsJson = new PerSet((versions) => JSON.stringify(versions));
  /** A sibling set's digest (its dots), made once per set like its JSON. */
  private readonly digest = new PerSet(digestOf);
  /** A set as a client's data read gets it (as a get answers, and its digest), once per set. */
  private readonly readAnswer = new PerSet(
    (versions) =>
      new Serialized(
        JSON.stringify({
          siblings: versions.map((v) => ({ value: v.value })),
          context: contextOf(versions),
          digest: this.digest.of(versions),
        } satisfies ReadAnswer),
      ),
  );
  private handoffTimer: NodeJS.Timeout | undefined;
  private antiEntropyTimer: NodeJS.Timeout | undefined;
  private merkle!: MerkleIndex;
  private readonly antiEntropy: AntiEntropy;
  private readonly membership: Membership;
  private handingOff = false;
  private server: Server | undefined;

  private constructor(
    readonly config: NodeConfig,
    private readonly store: LogStore,
    private readonly hints: HintStore,
    incarnation: number,
  ) {
    const ids = config.members.map((m) => m.id);
    if (!ids.includes(config.id)) throw new Error(`node ${config.id} is not among the members`);
    this.actor = `${config.id}#${incarnation}`;
    const detector = new PhiAccrualDetector({
      threshold: config.phiThreshold,
      expectedIntervalMs: config.gossipIntervalMs,
    });
    this.gossip = new Gossiper(
      { ...this.self, status: config.join ? 'joining' : 'normal', tokens: config.tokens },
      incarnation,
      config.members,
      detector,
      { intervalMs: config.gossipIntervalMs, fanout: GOSSIP_FANOUT },
      (to, states) =>
        this.peer(to.id)
          .request<GossipResult>({ type: 'gossip', states }, config.replicaTimeoutMs)
          .then((r) => r.states),
      () => this.onRingChange(),
    );
    this.onRingChange();
    this.antiEntropy = new AntiEntropy({
      self: config.id,
      ring: () => this.rings.current,
      n: config.n,
      index: () => this.merkle,
      peersUp: () =>
        this.gossip
          .members()
          .map((m) => m.id)
          .filter((id) => id !== config.id && this.gossip.isUp(id)),
      call: (peer, request) => this.peer(peer).request(request, config.replicaTimeoutMs * 2),
      own: (key) => this.store.get(key),
      apply: (key, versions) => this.applyVersions(key, versions),
      join: (a, b) => this.join(a, b),
    });
    this.membership = new Membership({
      self: config.id,
      n: config.n,
      tokens: config.tokens,
      gossip: this.gossip,
      rings: () => this.rings,
      keys: () => [...this.store.keys()],
      own: (key) => this.store.get(key),
      call: (node, request, timeoutMs) => this.peer(node).request(request, timeoutMs),
      // Gossip reaches every member within a few rounds; ten leave a margin.
      propagationMs: Math.max(500, config.gossipIntervalMs * 10),
    });
  }

  /**
   * Gossip changed a member's place in the ring: route by the new rings,
   * and rebuild the Merkle trees, whose ranges are the ring's.
   */
  private onRingChange(): void {
    const rings = ringsOf(this.gossip.known(), this.config.tokens);
    const same =
      this.rings &&
      rings.current.nodes.join() === this.rings.current.nodes.join() &&
      rings.future.nodes.join() === this.rings.future.nodes.join();
    if (same) return;
    const ringChanged = rings.current.nodes.join() !== this.rings?.current.nodes.join();
    this.rings = rings;
    if (!ringChanged && this.merkle) return;
    const current = rings.current;
    this.merkle = new MerkleIndex((key) => {
      const position = positionOf(key);
      return { range: current.rangeAt(position), leaf: position % LEAVES };
    });
    for (const key of this.store.keys()) this.merkle.update(key, this.store.get(key));
  }

  /** The id this start of the node issues dots under (see incarnation.ts). */
  private readonly actor: string;

  static async start(config: NodeConfig): Promise<DynamoNode> {
    const incarnation = await nextIncarnation(config.dataDir);
    const store = await LogStore.open(config.dataDir, {
      fsync: config.fsync,
      fsyncIntervalMs: config.fsyncIntervalMs,
      join: (a, b) => joinVersions(config.conflicts, a, b),
    });
    const hints = await HintStore.open(config.dataDir, config.fsync, config.fsyncIntervalMs);
    const node = new DynamoNode(config, store, hints, incarnation);
    await node.listen();
    node.gossip.start();
    if (config.join) {
      node.membership.join().then(
        (keys) => process.stdout.write(`${JSON.stringify({ joined: true, keys })}\n`),
        (error: Error) => process.stderr.write(`dynamo: join failed: ${error.message}\n`),
      );
    }
    node.handoffTimer = setInterval(() => void node.handOff(), config.handoffIntervalMs);
    node.handoffTimer.unref();
    if (config.antiEntropyIntervalMs > 0) {
      node.antiEntropyTimer = setInterval(
        () => void node.antiEntropy.round().catch(() => {}),
        config.antiEntropyIntervalMs,
      );
      node.antiEntropyTimer.unref();
    }
    return node;
  }

  get self(): Member {
    return this.config.members.find((m) => m.id === this.config.id)!;
  }

  async stop(): Promise<void> {
    this.gossip.stop();
    if (this.handoffTimer) clearInterval(this.handoffTimer);
    if (this.antiEntropyTimer) clearInterval(this.antiEntropyTimer);
    for (const peer of this.peers.values()) peer.close();
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) =>
      this.server ? this.server.close(() => resolve()) : resolve(),
    );
    await this.store.close();
    await this.hints.close();
  }

  async handle(request: Request): Promise<unknown> {
    switch (request.type) {
      case 'get':
        return this.coordinateGet(request.key, this.quorum(request), request);
      case 'put':
        return this.coordinatePut(request);
      case 'local-get':
        if (request.owner !== undefined) this.checkOwner(request.key, request.owner);
        if (request.digest) return { digest: this.digest.of(this.localVersions(request.key)) };
        if (request.answer) return this.readAnswer.of(this.localVersions(request.key));
        return this.serializedLocalGet(request.key, request.unless);
      case 'replicate':
        if (request.owner !== undefined) {
          this.checkOwner(request.key, request.owner);
          // The client's ring may not show the move yet; this node's does.
          this.copyToOwnersToBe(request.key, request.owner, request.versions, (node) =>
            this.rings.current.preferenceList(request.key, request.owner!).includes(node),
          );
        }
        if (request.hint) await this.hints.add(request.hint, request.key, request.versions);
        else await this.applyVersions(request.key, request.versions);
        return {};
      case 'ring':
        return {
          states: this.gossip.known(),
          tokens: this.config.tokens,
          sloppyQuorum: this.config.sloppyQuorum,
          conflicts: this.config.conflicts,
          readRepair: this.config.readRepair,
        } satisfies RingResult;
      case 'gossip':
        return { states: this.gossip.receive(request.states) } satisfies GossipResult;
      case 'tree-roots':
        return { roots: request.ranges.map((range) => this.merkle.root(range)) };
      case 'tree-leaves':
        return { leaves: this.merkle.leaves(request.range) };
      case 'range-keys':
        return {
          entries: this.merkle
            .keysIn(request.range, request.leaves)
            .map((key) => [key, this.store.get(key)]),
        };
      case 'stream-to':
        return { keys: await this.membership.streamFor(request.to, request.members) };
      case 'decommission':
        return { keys: await this.membership.decommission() };
      case 'preflist':
        return { nodes: this.replicasFor(request.key, request.n ?? this.config.n) };
      case 'status':
        return {
          id: this.config.id,
          pid: process.pid,
          keys: this.store.size,
          status: this.gossip.known().find((s) => s.id === this.config.id)!.status,
          ring: [...this.rings.current.nodes],
          startedAt: this.startedAt,
          now: Date.now(),
          sloppyQuorum: this.config.sloppyQuorum,
          peers: this.gossip.view(),
          hints: this.hints.stats(),
          antiEntropy: this.antiEntropy.snapshot(),
          readRepair: this.config.readRepair,
        } satisfies StatusResult;
      default:
        throw new DynamoError('bad-request', `unknown request type`, true);
    }
  }

  /** The nodes a request for `key` goes to: its preference list. */
  replicasFor(key: string, n: number): string[] {
    return this.rings.current.preferenceList(key, n);
  }

  private quorum(request: { n?: number; r?: number; w?: number }) {
    const n = request.n ?? this.config.n;
    const r = request.r ?? this.config.r;
    const w = request.w ?? this.config.w;
    const max = this.rings.current.nodes.length;
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

  /**
   * The nodes a request for `key` goes to first, and the spares that replace
   * any of them that fails. Strict: the key's N owners, no spares. Sloppy:
   * the owners this node believes up, then, for each one down, the next
   * node up on the key's walk, holding a hint for it; the rest of the walk
   * that is up is spare.
   */
  private targetsFor(key: string, n: number): { targets: Target[]; spares: string[] } {
    const owners = this.replicasFor(key, n);
    if (!this.config.sloppyQuorum) return { targets: owners.map((node) => ({ node })), spares: [] };
    const up = (node: string) => this.gossip.isUp(node);
    const spares = this.rings.current.walk(key).slice(owners.length).filter(up);
    const targets: Target[] = owners.filter(up).map((node) => ({ node }));
    for (const owner of owners.filter((o) => !up(o))) {
      const standIn = spares.shift();
      if (standIn) targets.push({ node: standIn, hint: owner });
    }
    return { targets, spares };
  }

  private async coordinateGet(
    key: string,
    { n, r }: { n: number; r: number },
    { repairSync, clocks }: { repairSync?: boolean; clocks?: boolean },
  ): Promise<GetResult> {
    const { targets, spares } = this.targetsFor(key, n);
    const replies = new Map<string, { versions: Version[]; hint?: string }>();
    // A coordinator with a copy asks the others only whether theirs is the
    // same (see readReplica).
    const own = targets.some((t) => t.node === this.config.id)
      ? this.localVersions(key)
      : undefined;
    const { done, all } = withStandIns(targets, spares, r, (target) =>
      this.readReplica(target.node, key, own).then((versions) => {
        replies.set(target.node, { versions, ...(target.hint ? { hint: target.hint } : {}) });
      }),
    );
    await done;
    if (replies.size < r) {
      throw new DynamoError(
        'quorum',
        `read quorum not met: ${replies.size} of r=${r} replicas answered (of ${targets.map((t) => t.node).join(',')})`,
        true,
      );
    }
    const versions = this.joinAll([...replies.values()].map((reply) => reply.versions));
    const answered = replies.size;
    const repair = this.config.readRepair
      ? all.then(() => this.readRepair(key, replies))
      : Promise.resolve();
    if (repairSync) await repair;
    else repair.catch(() => {});
    return {
      siblings: versions.map((v) =>
        clocks ? { value: v.value, clock: clockOf(v), ts: v.ts } : { value: v.value },
      ),
      context: contextOf(versions),
      replies: answered,
    };
  }

  /** Sends the merge of every reply to each replica that answered with less. */
  private async readRepair(
    key: string,
    replies: Map<string, { versions: Version[]; hint?: string }>,
  ): Promise<void> {
    const merged = this.joinAll([...replies.values()].map((reply) => reply.versions));
    await Promise.allSettled(
      [...replies]
        .filter(([, reply]) => !sameVersions(reply.versions, merged))
        .map(([node, reply]) => this.writeReplica({ node, hint: reply.hint }, key, merged)),
    );
  }

  private async coordinatePut(request: Extract<Request, { type: 'put' }>): Promise<PutResult> {
    const { n, w } = this.quorum(request);
    const owners = this.replicasFor(request.key, n);
    const self = this.config.id;
    if (!owners.includes(self)) {
      const up = owners.filter((o) => this.gossip.isUp(o));
      const forwarded = await this.forwardPut(this.config.sloppyQuorum ? up : owners, request);
      if (forwarded) return forwarded;
      if (!this.config.sloppyQuorum)
        throw new DynamoError(
          'quorum',
          `no replica of the key reachable (${owners.join(',')})`,
          true,
        );
      // Sloppy: no owner reachable, so this node coordinates, standing in itself.
    }

    const stored = this.localVersions(request.key);
    const context = request.context ?? EMPTY_CONTEXT;
    const counter = Math.max(
      nextCounter(this.actor, stored, context),
      (this.issued.get(request.key) ?? 0) + 1,
    );
    this.issued.set(request.key, counter);
    const version: Version = {
      value: request.value,
      dot: { node: this.actor, counter },
      context,
      ts: Date.now(),
    };
    const { targets, spares } = this.targetsFor(request.key, n);
    if (!targets.some((t) => t.node === self)) {
      // A coordinator keeps what it writes: the first owner without a copy gets its hint.
      const placed = new Set(targets.map((t) => t.hint ?? t.node));
      targets.unshift({ node: self, hint: owners.find((o) => !placed.has(o)) ?? owners[0]! });
      const spare = spares.indexOf(self);
      if (spare !== -1) spares.splice(spare, 1);
    }
    this.copyToOwnersToBe(request.key, n, [version], (node) =>
      targets.some((t) => t.node === node),
    );
    // The local write is synchronous in memory, so two puts of one key on
    // this node can never take the same counter; the actor id changes at
    // every start, so a counter lost in a crash is never issued again.
    // One array for every replica, so its JSON is made once (versionsJson).
    const versions = [version];
    const { done } = withStandIns(targets, spares, w, (target) =>
      target.node === self && !target.hint
        ? this.applyVersions(request.key, versions)
        : this.writeReplica(target, request.key, versions),
    );
    const acks = await done;
    if (acks < w) {
      // Stored on `acks` replicas (maybe this one): the write may surface
      // later, so the outcome is unknown to the client, not a failure.
      throw new DynamoError(
        'quorum',
        `write quorum not met: ${acks} of w=${w} replicas acknowledged (of ${targets.map((t) => t.node).join(',')})`,
        false,
      );
    }
    // The writer has now seen exactly this version and what it had seen.
    const seen = contextOf([version]);
    return request.clocks
      ? { clock: clockOf(version), context: seen, acks }
      : { context: seen, acks };
  }

  /**
   * During a move, a key's owners-to-be get every new write too (see
   * membership.ts), but for those the write reaches anyway (`reached`).
   */
  private copyToOwnersToBe(
    key: string,
    n: number,
    versions: Version[],
    reached: (node: string) => boolean,
  ): void {
    if (!this.rings.moving) return;
    for (const node of this.rings.future.preferenceList(key, n)) {
      if (node !== this.config.id && !reached(node))
        this.writeReplica({ node }, key, versions).catch(() => {});
    }
  }

  /** A client that coordinates routed by its ring: refuses a key this node has no replica of, now or after a move. */
  private checkOwner(key: string, n: number): void {
    const self = this.config.id;
    if (
      this.rings.current.preferenceList(key, n).includes(self) ||
      this.rings.future.preferenceList(key, n).includes(self)
    )
      return;
    throw new DynamoError('not-owner', `${self} holds no replica of ${key} (of n=${n})`, true);
  }

  /**
   * Single-hop routing: hand the write to the first reachable replica;
   * undefined when none could be reached (the write never left).
   */
  private async forwardPut(
    replicas: string[],
    request: Extract<Request, { type: 'put' }>,
  ): Promise<PutResult | undefined> {
    for (const node of replicas) {
      try {
        return await this.peer(node).request<PutResult>(request, this.config.replicaTimeoutMs * 2);
      } catch (error) {
        // Only a connection that never formed proves the write never left.
        if (error instanceof DynamoError && error.code === 'unreachable') continue;
        throw error;
      }
    }
    return undefined;
  }

  /**
   * A replica read's reply: its sibling set's JSON, made once (versionsJson),
   * or only that it is the set whose digest the coordinator sent.
   */
  private serializedLocalGet(key: string, unless: string | undefined): Serialized {
    const versions = this.localVersions(key);
    if (unless !== undefined && this.digest.of(versions) === unless) return SAME;
    return new Serialized(`{"versions":${this.versionsJson.of(versions)}}`);
  }

  /** This node's copy of a key: its own data, and what it holds for others. */
  private localVersions(key: string): Version[] {
    const own = this.store.get(key);
    const hinted = this.hints.of(key);
    return hinted.length === 0 ? own : this.join(own, hinted);
  }

  /**
   * A replica's copy of a key. Given the coordinator's own copy, the
   * replica answers only "the same" when it holds those versions, as
   * Cassandra's digest reads do: replicas mostly agree, and sending,
   * parsing and merging whole sibling sets that equal the coordinator's
   * was a fifth of a write-heavy node's time (a dozen siblings a key).
   */
  private async readReplica(node: string, key: string, own?: Version[]): Promise<Version[]> {
    if (node === this.config.id) return own ?? this.localVersions(key);
    const result = await this.peer(node).request<LocalGetResult>(
      own ? { type: 'local-get', key, unless: this.digest.of(own) } : { type: 'local-get', key },
      this.config.replicaTimeoutMs,
    );
    // Asked with `unless` or nothing, never `digest`: versions or "the same".
    return 'same' in result ? own! : (result as { versions: Version[] }).versions;
  }

  private async writeReplica(target: Target, key: string, versions: Version[]): Promise<void> {
    if (target.node === this.config.id) {
      if (target.hint) return this.hints.add(target.hint, key, versions);
      return this.applyVersions(key, versions);
    }
    await this.peer(target.node).request(
      replicateRequest(key, this.versionsJson.of(versions), target.hint),
      this.config.replicaTimeoutMs,
    );
  }

  /**
   * Hinted handoff: each owner the detector sees up gets the versions held
   * for it; a hint goes once the owner has stored them durably.
   */
  private async handOff(): Promise<void> {
    if (this.handingOff) return;
    this.handingOff = true;
    try {
      for (const [owner, keys] of this.hints.byOwner()) {
        if (this.rings.future.nodes.includes(owner) && !this.gossip.isUp(owner)) continue;
        for (let i = 0; i < keys.length; i += HANDOFF_PARALLEL) {
          // An owner that left the ring hands its keys' hints to their owners now.
          const member = this.rings.future.nodes.includes(owner);
          const batch = keys.slice(i, i + HANDOFF_PARALLEL).map(async (key) => {
            const versions = this.hints.get(owner, key);
            const to = member ? [owner] : this.replicasFor(key, this.config.n);
            await Promise.all(to.map((node) => this.writeReplica({ node }, key, versions)));
            await this.hints.handedOff(owner, key, versions);
          });
          const results = await Promise.allSettled(batch);
          // An owner that stops answering waits for the next round.
          if (results.some((r) => r.status === 'rejected')) break;
        }
      }
    } finally {
      this.handingOff = false;
    }
  }

  /**
   * Joins versions into this node's own copy of a key. Every change of its
   * own data goes through here, so its Merkle trees stay current.
   */
  private applyVersions(key: string, versions: Version[]): Promise<void> {
    const stored = this.store.get(key);
    const merged = this.join(stored, versions);
    if (sameVersions(merged, stored)) return Promise.resolve();
    this.merkle.update(key, merged);
    return this.store.putJoined(key, merged, versions);
  }

  private join(a: readonly Version[], b: readonly Version[]): Version[] {
    return joinVersions(this.config.conflicts, a, b);
  }

  /** Replies that are the same set (the coordinator's own, answered "the same") join as it. */
  private joinAll(sets: Version[][]): Version[] {
    let joined: Version[] | undefined;
    for (const set of sets)
      joined = joined === undefined || joined === set ? set : this.join(joined, set);
    return joined ?? [];
  }

  private peer(node: string): Connection {
    let peer = this.peers.get(node);
    if (!peer) {
      const member = this.gossip.members().find((m) => m.id === node);
      if (!member) throw new DynamoError('internal', `unknown node ${node}`, true);
      peer = new Connection({
        host: member.host,
        port: member.port,
        localAddress: this.self.host,
        connectTimeoutMs: this.config.replicaTimeoutMs,
      });
      this.peers.set(node, peer);
    }
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
    const reply = lineWriter(socket);
    socket.on(
      'data',
      lineReader((message) => {
        // The id rides along into handle (which ignores it): copying every
        // request without it cost more than it was worth.
        const request = message as Request & { id: number };
        const id = request.id;
        this.handle(request).then(
          (result) => reply(okReply(id, result)),
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
 * Something made from a sibling set once and kept while the set lives:
 * sets are replaced, never changed, so the array itself is the key.
 */
class PerSet<T> {
  private readonly made = new WeakMap<readonly Version[], T>();

  constructor(private readonly make: (versions: readonly Version[]) => T) {}

  of(versions: readonly Version[]): T {
    let value = this.made.get(versions);
    if (value === undefined) {
      value = this.make(versions);
      this.made.set(versions, value);
    }
    return value;
  }
}
