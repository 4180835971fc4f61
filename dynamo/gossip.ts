import type { PhiAccrualDetector } from './detector.ts';

export interface Member {
  id: string;
  host: string;
  port: number;
}

/**
 * What a node knows of one member, as gossiped: where it listens, which
 * start of it this is (its incarnation) and its heartbeat counter in that
 * start. (generation, heartbeat) only grows, so the larger pair is newer.
 */
export interface EndpointState extends Member {
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
    self: Member,
    generation: number,
    seeds: readonly Member[],
    private readonly detector: PhiAccrualDetector,
    private readonly options: GossipOptions,
    private readonly send: GossipSend,
    private readonly now: () => number = Date.now,
    private readonly random: () => number = Math.random,
  ) {
    this.selfId = self.id;
    this.states.set(self.id, { ...self, generation, heartbeat: 0 });
    // A seed is known by address only, until its own state arrives.
    for (const seed of seeds) {
      if (seed.id !== self.id) this.states.set(seed.id, { ...seed, generation: 0, heartbeat: 0 });
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

  isUp(id: string): boolean {
    return id === this.selfId || this.detector.isUp(id, this.now());
  }

  /** Every member known, this node included. */
  members(): Member[] {
    return [...this.states.values()].map(({ id, host, port }) => ({ id, host, port }));
  }

  /** Each peer as this node sees it, for the status endpoint. */
  view(): { id: string; up: boolean; phi: number; generation: number; heartbeat: number }[] {
    const now = this.now();
    return [...this.states.values()]
      .filter((s) => s.id !== this.selfId)
      .map((s) => ({
        id: s.id,
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
    for (const state of states) {
      if (state.id === this.selfId) continue;
      const known = this.states.get(state.id);
      if (known && !newer(state, known)) continue;
      this.states.set(state.id, { ...state });
      this.detector.heartbeat(state.id, now);
    }
  }

  private snapshot(): EndpointState[] {
    return [...this.states.values()].map((s) => ({ ...s }));
  }
}

function newer(a: EndpointState, b: EndpointState): boolean {
  return a.generation !== b.generation ? a.generation > b.generation : a.heartbeat > b.heartbeat;
}
