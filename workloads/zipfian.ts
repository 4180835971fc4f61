import type { Rng } from '../core/rng.ts';

/**
 * YCSB's zipfian generator (Gray et al., "Quickly generating billion-record
 * synthetic databases"), with the same constant (0.99) and its incremental
 * zeta, so the item count can grow as a workload inserts keys.
 */
export class Zipfian {
  private items = 0;
  private zetan = 0;
  private eta = 0;
  private readonly alpha: number;
  private readonly zeta2: number;

  constructor(
    items: number,
    private readonly theta = 0.99,
  ) {
    this.alpha = 1 / (1 - theta);
    this.zeta2 = zeta(0, 2, theta, 0);
    this.resize(items);
  }

  /** An item in [0, items): 0 is the most popular. */
  next(rng: Rng, items = this.items): number {
    if (items !== this.items) this.resize(items);
    const u = rng();
    const uz = u * this.zetan;
    if (uz < 1) return 0;
    if (uz < 1 + 0.5 ** this.theta) return 1;
    return Math.min(
      this.items - 1,
      Math.floor(this.items * (this.eta * u - this.eta + 1) ** this.alpha),
    );
  }

  private resize(items: number): void {
    if (items < 1) throw new Error('zipfian needs at least one item');
    // Growing only adds the new terms; shrinking recomputes from scratch.
    this.zetan =
      items > this.items
        ? zeta(this.items, items, this.theta, this.zetan)
        : zeta(0, items, this.theta, 0);
    this.items = items;
    this.eta = (1 - (2 / items) ** (1 - this.theta)) / (1 - this.zeta2 / this.zetan);
  }
}

function zeta(from: number, to: number, theta: number, initial: number): number {
  let sum = initial;
  for (let i = from; i < to; i++) sum += 1 / (i + 1) ** theta;
  return sum;
}

/**
 * YCSB's scrambled zipfian: zipfian popularity, but the popular items are
 * spread over the key space by a hash instead of being the lowest keys.
 */
export class ScrambledZipfian {
  private readonly zipfian = new Zipfian(1);
  /**
   * Item → its scrambled position, for the current item count. The 64-bit
   * hash in BigInts allocates some thirty of them per call; a run draws from
   * the same few thousand items again and again.
   */
  private readonly scrambled = new Map<number, number>();
  private scrambledFor = 0;

  next(rng: Rng, items: number): number {
    if (items !== this.scrambledFor) {
      this.scrambled.clear();
      this.scrambledFor = items;
    }
    const item = this.zipfian.next(rng, items);
    let position = this.scrambled.get(item);
    if (position === undefined) {
      position = Number(fnv1a64(item) % BigInt(items));
      if (this.scrambled.size < SCRAMBLED_MAX) this.scrambled.set(item, position);
    }
    return position;
  }
}

const SCRAMBLED_MAX = 1 << 20;

/** YCSB's "latest": the most recently inserted items are the most popular. */
export class SkewedLatest {
  private readonly zipfian = new Zipfian(1);

  next(rng: Rng, items: number): number {
    return items - 1 - this.zipfian.next(rng, items);
  }
}

const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;
const MASK = 0xffffffffffffffffn;

function fnv1a64(value: number): bigint {
  let hash = FNV_OFFSET;
  let v = BigInt(value);
  for (let i = 0; i < 8; i++) {
    hash ^= v & 0xffn;
    hash = (hash * FNV_PRIME) & MASK;
    v >>= 8n;
  }
  return hash;
}
