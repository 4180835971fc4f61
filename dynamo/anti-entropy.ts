import { digestOf, type MerkleIndex } from './merkle.ts';
import type { Request } from './protocol.ts';
import type { Ring } from './ring.ts';
import type { Version } from './vclock.ts';

/** What anti-entropy has done since this start, summed over its rounds. */
export interface AntiEntropyStats {
  rounds: number;
  /** Ranges whose roots were compared with a peer that replicates them too. */
  rangesCompared: number;
  /** Of those, ranges whose roots differed. */
  rangesDiffering: number;
  /** Keys whose versions differed, merged on both sides. */
  keysRepaired: number;
  /** Bytes of the requests and pushes this node sent, and of the answers it got (JSON). */
  bytesSent: number;
  bytesReceived: number;
  /** Time spent in rounds (ms), and in the last one. */
  totalMs: number;
  lastRoundMs: number;
}

export interface AntiEntropyDeps {
  self: string;
  ring: () => Ring;
  n: number;
  /** The node's trees (rebuilt when the ring changes). */
  index: () => MerkleIndex;
  /** Other members this node's detector sees up. */
  peersUp: () => string[];
  call: <T>(peer: string, request: Request) => Promise<T>;
  /** This node's own versions of a key (not its hints). */
  own: (key: string) => Version[];
  /** Joins versions into this node's own copy, durably. */
  apply: (key: string, versions: Version[]) => Promise<void>;
  join: (a: readonly Version[], b: readonly Version[]) => Version[];
}

/**
 * Active anti-entropy (Dynamo §4.7): each round, this node and one peer
 * (round robin over the peers up) compare the Merkle roots of every key
 * range both replicate, then the leaves of the ranges that differ, then
 * exchange the keys of the leaves that differ; each key is joined on both
 * sides (siblings merged by their clocks, so nothing is dropped that the
 * store would keep). Ranges that agree cost one hash each.
 */
export class AntiEntropy {
  private readonly stats: AntiEntropyStats = {
    rounds: 0,
    rangesCompared: 0,
    rangesDiffering: 0,
    keysRepaired: 0,
    bytesSent: 0,
    bytesReceived: 0,
    totalMs: 0,
    lastRoundMs: 0,
  };
  private running = false;

  constructor(private readonly deps: AntiEntropyDeps) {}

  snapshot(): AntiEntropyStats {
    return { ...this.stats };
  }

  /** One round with the next peer up; a round still running is not doubled. */
  async round(): Promise<void> {
    if (this.running) return;
    const peers = this.deps.peersUp();
    if (peers.length === 0) return;
    this.running = true;
    const started = performance.now();
    try {
      await this.withPeer(peers[this.stats.rounds % peers.length]!);
    } finally {
      this.stats.rounds++;
      this.stats.lastRoundMs = Math.round(performance.now() - started);
      this.stats.totalMs += this.stats.lastRoundMs;
      this.running = false;
    }
  }

  private async withPeer(peer: string): Promise<void> {
    const { self, n } = this.deps;
    const ring = this.deps.ring();
    const index = this.deps.index();
    const shared: number[] = [];
    for (let range = 0; range < ring.rangeCount; range++) {
      const replicas = ring.rangeReplicas(range, n);
      if (replicas.includes(self) && replicas.includes(peer)) shared.push(range);
    }
    if (shared.length === 0) return;
    const { roots } = await this.call<{ roots: string[] }>(peer, {
      type: 'tree-roots',
      ranges: shared,
    });
    this.stats.rangesCompared += shared.length;
    for (const [i, range] of shared.entries()) {
      if (roots[i] === index.root(range)) continue;
      this.stats.rangesDiffering++;
      const theirs = await this.call<{ leaves: string[] }>(peer, { type: 'tree-leaves', range });
      const ours = index.leaves(range);
      const leaves = ours.flatMap((hash, leaf) => (hash === theirs.leaves[leaf] ? [] : [leaf]));
      const { entries } = await this.call<{ entries: [string, Version[]][] }>(peer, {
        type: 'range-keys',
        range,
        leaves,
      });
      await this.repair(peer, range, leaves, new Map(entries));
    }
  }

  /** Joins each key of the differing leaves on both sides. */
  private async repair(
    peer: string,
    range: number,
    leaves: number[],
    theirs: Map<string, Version[]>,
  ): Promise<void> {
    const keys = new Set([...this.deps.index().keysIn(range, leaves), ...theirs.keys()]);
    for (const key of keys) {
      const mine = this.deps.own(key);
      const their = theirs.get(key) ?? [];
      const merged = this.deps.join(mine, their);
      const digest = digestOf(merged);
      let repaired = false;
      if (digest !== digestOf(mine)) {
        await this.deps.apply(key, their);
        repaired = true;
      }
      if (digest !== digestOf(their)) {
        await this.call(peer, { type: 'replicate', key, versions: merged });
        repaired = true;
      }
      if (repaired) this.stats.keysRepaired++;
    }
  }

  private async call<T>(peer: string, request: Request): Promise<T> {
    this.stats.bytesSent += JSON.stringify(request).length;
    const result = await this.deps.call<T>(peer, request);
    this.stats.bytesReceived += JSON.stringify(result).length;
    return result;
  }
}
