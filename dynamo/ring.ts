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
  private readonly cache = new Map<string, string[]>();

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
    const cacheKey = `${n}\u0000${key}`;
    const cached = this.cache.get(cacheKey);
    if (cached) return cached;
    const list = this.rangeReplicas(this.firstTokenAtOrAfter(hash32(key)), n);
    // Keys are few (workload key spaces), so an unbounded cache stays small;
    // the bound only protects a long-lived node from unbounded key sets.
    if (this.cache.size > 200_000) this.cache.clear();
    this.cache.set(cacheKey, list);
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
