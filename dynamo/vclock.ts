/**
 * Vector clocks for the Dynamo store, in the "dotted" form (dotted version
 * vectors, Preguiça et al.): every stored version carries the dot of the write
 * that created it (coordinator id + that coordinator's counter) and the causal
 * context the client sent with the write.
 *
 * Why dots and not a plain vector clock per value: with plain clocks a blind
 * write coordinated by node A after A's own earlier write would get the clock
 * {A:n+1}, which dominates {A:n} and silently replaces it, although the two
 * writes were concurrent from the clients' point of view. With a dot, the new
 * version supersedes exactly what its context has seen, and everything else
 * stays as a sibling. The clock shown to clients is `context ⊔ dot`.
 */

/** node id → highest counter of that node that is known. */
export type VClock = Record<string, number>;

export interface Dot {
  node: string;
  counter: number;
}

export interface Version<V = unknown> {
  value: V;
  dot: Dot;
  /** What the writing client had seen: the context it passed to put. */
  context: VClock;
}

export type Order = 'before' | 'after' | 'equal' | 'concurrent';

export function compare(a: VClock, b: VClock): Order {
  let aBigger = false;
  let bBigger = false;
  for (const node of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const x = a[node] ?? 0;
    const y = b[node] ?? 0;
    if (x > y) aBigger = true;
    if (y > x) bBigger = true;
  }
  if (aBigger && bBigger) return 'concurrent';
  if (aBigger) return 'after';
  if (bBigger) return 'before';
  return 'equal';
}

export function join(...clocks: VClock[]): VClock {
  const out: VClock = {};
  for (const clock of clocks) {
    for (const [node, counter] of Object.entries(clock)) {
      if (counter > (out[node] ?? 0)) out[node] = counter;
    }
  }
  return out;
}

export function covers(clock: VClock, dot: Dot): boolean {
  return (clock[dot.node] ?? 0) >= dot.counter;
}

/** The clock a version presents to clients: its context plus its own dot. */
export function clockOf(version: Version): VClock {
  return join(version.context, { [version.dot.node]: version.dot.counter });
}

/** The context a client gets from a read: it has seen every sibling. */
export function contextOf(versions: readonly Version[]): VClock {
  return join(...versions.map(clockOf));
}

export function dotKey(dot: Dot): string {
  return `${dot.node}:${dot.counter}`;
}

/**
 * Joins two sets of sibling versions: the union, minus every version whose
 * dot some other version's context has seen. Commutative, associative and
 * idempotent, so replicas converge whatever order they exchange versions in.
 */
export function merge<V>(a: readonly Version<V>[], b: readonly Version<V>[]): Version<V>[] {
  const byDot = new Map<string, Version<V>>();
  for (const v of [...a, ...b]) byDot.set(dotKey(v.dot), v);
  const all = [...byDot.values()];
  return all
    .filter((v) => !all.some((other) => other !== v && covers(other.context, v.dot)))
    .sort((x, y) => dotKey(x.dot).localeCompare(dotKey(y.dot)));
}

/**
 * The counter a coordinator gives its next write of a key: above every
 * counter of its own that it has stored or seen in a context, so a dot is
 * never reused (given durable storage of the coordinator's own writes).
 */
export function nextCounter(node: string, stored: readonly Version[], context: VClock): number {
  let max = context[node] ?? 0;
  for (const v of stored) {
    if (v.dot.node === node) max = Math.max(max, v.dot.counter);
    max = Math.max(max, v.context[node] ?? 0);
  }
  return max + 1;
}

/** True when both sets hold the same versions (same dots). */
export function sameVersions(a: readonly Version[], b: readonly Version[]): boolean {
  if (a.length !== b.length) return false;
  const keys = new Set(a.map((v) => dotKey(v.dot)));
  return b.every((v) => keys.has(dotKey(v.dot)));
}
