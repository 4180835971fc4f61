import type { PhiAccrualDetector } from './detector.ts';

export interface Member {
  id: string;
  host: string;
  port: number;
}

/**
 * A member's place in the ring: `joining` while it takes its share of the
 * data (coordinators already copy it new writes), `normal`, `leaving`
 * while it hands its data to the next owners, `left` once gone.
 */
export type MemberStatus = 'joining' | 'normal' | 'leaving' | 'left';

/**
 * What a node knows of one member, as gossiped: where it listens, its
 * place in the ring (status, and its tokens on it), which start of it this
 * is (its incarnation) and its heartbeat counter in that start.
 * (generation, heartbeat) only grows, so the larger pair is newer, and a
 * status change travels with the next heartbeat.
 */
export interface EndpointState extends Member {
  status: MemberStatus;
  tokens: number;
  generation: number;
  heartbeat: number;
}

/** A peer as gossip and the failure detector see it (the status endpoint's `peers`). */
export interface PeerView {
  id: string;
  status: MemberStatus;
  up: boolean;
  phi: number;
  generation: number;
  heartbeat: number;
}

export interface GossipOptions {
  /** How often this node beats and gossips (ms). */
  intervalMs: number;
  /** Peers gossiped with per round, picked at random. */
  fanout: number;
}

/** Sends this node's states to a peer and gives back the peer's (push-pull). */
export type GossipSend = (to: Member, states: EndpointState[]) => Promise<EndpointState[]>;

/**
 * Gossip membership: every round, a node increments its own heartbeat and
 * swaps everything it knows with a few random peers; each side keeps the
 * newer state of every member. A fresh heartbeat of a peer, however it
 * arrived, feeds the failure detector. Seeds are where a node's first
 * rounds go; after that there is no registry, only what gossip spread.
 */
export class Gossiper {
  private readonly states = new Map<string, EndpointState>();
  private timer: NodeJS.Timeout | undefined;
  private rounds = 0;

  constructor(
    self: Member & { status: MemberStatus; tokens: number },
    generation: number,
    seeds: readonly Member[],
    private readonly detector: PhiAccrualDetector,
    private readonly options: GossipOptions,
    private readonly send: GossipSend,
    /** Called when a member appears or changes status: the ring may have changed. */
    private readonly onRingChange: () => void = () => {},
    private readonly now: () => number = Date.now,
    private readonly random: () => number = Math.random,
  ) {
    this.selfId = self.id;
    this.states.set(self.id, { ...self, generation, heartbeat: 0 });
    // A seed is known by address only, until its own state arrives; it
    // is taken to be in the ring, as the cluster it seeds is.
    // A seed's silence counts from now: one never heard from is convicted
    // like any other, not trusted for ever.
    for (const seed of seeds) {
      if (seed.id !== self.id) detector.heartbeat(seed.id, now());
    }
    for (const seed of seeds) {
      if (seed.id !== self.id)
        this.states.set(seed.id, {
          ...seed,
          status: 'normal',
          tokens: self.tokens,
          generation: 0,
          heartbeat: 0,
        });
    }
  }

  private readonly selfId: string;

  start(): void {
    this.timer = setInterval(() => this.round(), this.options.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** One round: beat, then push-pull with `fanout` random peers. */
  round(): void {
    this.rounds++;
    this.states.get(this.selfId)!.heartbeat++;
    const peers = [...this.states.values()].filter((s) => s.id !== this.selfId);
    for (let i = 0; i < this.options.fanout && peers.length > 0; i++) {
      const [peer] = peers.splice(Math.floor(this.random() * peers.length), 1);
      this.send(peer!, this.snapshot()).then(
        (states) => this.merge(states),
        () => {}, // a silent peer is the detector's business
      );
    }
  }

  /** A peer's push: keep what is newer, answer with everything known. */
  receive(states: readonly EndpointState[]): EndpointState[] {
    this.merge(states);
    return this.snapshot();
  }

  /** Changes this node's own status; gossip carries it from the next round. */
  setStatus(status: MemberStatus): void {
    this.states.get(this.selfId)!.status = status;
    this.onRingChange();
  }

  /** Every member's state as this node knows it, this node included. */
  known(): EndpointState[] {
    return this.snapshot();
  }

  isUp(id: string): boolean {
    return id === this.selfId || this.detector.isUp(id, this.now());
  }

  /** Every member known, this node included. */
  members(): Member[] {
    return [...this.states.values()].map(({ id, host, port }) => ({ id, host, port }));
  }

  /** Each peer as this node sees it, for the status endpoint. */
  view(): PeerView[] {
    const now = this.now();
    return [...this.states.values()]
      .filter((s) => s.id !== this.selfId)
      .map((s) => ({
        id: s.id,
        status: s.status,
        up: this.detector.isUp(s.id, now),
        phi: Math.round(this.detector.phi(s.id, now) * 100) / 100,
        generation: s.generation,
        heartbeat: s.heartbeat,
      }));
  }

  get roundsDone(): number {
    return this.rounds;
  }

  private merge(states: readonly EndpointState[]): void {
    const now = this.now();
    let ringChanged = false;
    for (const state of states) {
      if (state.id === this.selfId) continue;
      const known = this.states.get(state.id);
      if (known && !newer(state, known)) continue;
      if (!known || known.status !== state.status || known.tokens !== state.tokens)
        ringChanged = true;
      this.states.set(state.id, { ...state });
      this.detector.heartbeat(state.id, now);
    }
    if (ringChanged) this.onRingChange();
  }

  private snapshot(): EndpointState[] {
    return [...this.states.values()].map((s) => ({ ...s }));
  }
}

function newer(a: EndpointState, b: EndpointState): boolean {
  return a.generation !== b.generation ? a.generation > b.generation : a.heartbeat > b.heartbeat;
}
