import { createHash } from 'node:crypto';

/**
 * Consistent hashing with virtual nodes: each physical node owns `tokens`
 * points on a 32-bit ring; a key belongs to the first token clockwise from its
 * hash, and its preference list is the first N *distinct* physical nodes met
 * walking clockwise from there. Adding a node moves only the keys between its
 * new tokens and their predecessors (incremental scalability).
 */
export class Ring {
  private readonly tokens: { token: number; node: string }[];
  private readonly cache = new Map<string, string[][]>();

  constructor(
    readonly nodes: readonly string[],
    readonly tokensPerNode: number,
  ) {
    if (nodes.length === 0) throw new Error('a ring needs at least one node');
    if (!Number.isInteger(tokensPerNode) || tokensPerNode < 1) {
      throw new Error(`tokens per node must be a positive integer, got ${tokensPerNode}`);
    }
    this.tokens = nodes
      .flatMap((node) =>
        Array.from({ length: tokensPerNode }, (_, i) => ({ token: hash32(`${node}#${i}`), node })),
      )
      .sort((a, b) => a.token - b.token || a.node.localeCompare(b.node));
  }

  /** The first `n` distinct nodes clockwise from the key's position. */
  preferenceList(key: string, n: number): string[] {
    // Cached by key, then by n: a key string hashes once, where a
    // composite cache key built per request hashed anew every time.
    let lists = this.cache.get(key);
    if (!lists) {
      // Keys are few (workload key spaces), so the cache stays small; the
      // bound only protects a long-lived node from unbounded key sets.
      if (this.cache.size > 200_000) this.cache.clear();
      lists = [];
      this.cache.set(key, lists);
    }
    let list = lists[n];
    if (!list) {
      list = this.rangeReplicas(this.firstTokenAtOrAfter(positionOf(key)), n);
      lists[n] = list;
    }
    return list;
  }

  /** Every node, in the order a walk clockwise from the key meets them: owners first, then stand-ins. */
  walk(key: string): string[] {
    return this.preferenceList(key, this.nodes.length);
  }

  /** Key ranges: the keys up to each token share a preference list. */
  get rangeCount(): number {
    return this.tokens.length;
  }

  /** The range of a key's ring position (`hash32(key)`). */
  rangeAt(position: number): number {
    return this.firstTokenAtOrAfter(position);
  }

  /** The first `n` distinct nodes clockwise from a range's token: its replicas. */
  rangeReplicas(range: number, n: number): string[] {
    const want = Math.min(n, this.nodes.length);
    const list: string[] = [];
    for (let i = 0; list.length < want && i < this.tokens.length; i++) {
      const { node } = this.tokens[(range + i) % this.tokens.length]!;
      if (!list.includes(node)) list.push(node);
    }
    return list;
  }

  private firstTokenAtOrAfter(position: number): number {
    let lo = 0;
    let hi = this.tokens.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.tokens[mid]!.token < position) lo = mid + 1;
      else hi = mid;
    }
    return lo % this.tokens.length;
  }
}

/** First 32 bits of MD5, as Dynamo's paper and Riak use MD5 for placement. */
export function hash32(text: string): number {
  return createHash('md5').update(text).digest().readUInt32BE(0);
}

const positions = new Map<string, number>();

/**
 * A key's position on the ring (`hash32`), remembered: every write asks it
 * (placement, its Merkle leaf), and an MD5 costs more than the lookup.
 * Bounded like the preference-list cache.
 */
export function positionOf(key: string): number {
  let position = positions.get(key);
  if (position === undefined) {
    if (positions.size >= 200_000) positions.clear();
    position = hash32(key);
    positions.set(key, position);
  }
  return position;
}
