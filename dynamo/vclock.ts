/**
 * Vector clocks for the Dynamo store, in the "dotted" form (dotted version
 * vectors, Preguiça et al.): every stored version carries the dot of the write
 * that created it (the coordinator's actor id, `node#incarnation`, and that
 * actor's per-key counter) and the causal context the writing client had.
 *
 * Why dots and not a plain vector clock per value: with plain clocks a blind
 * write coordinated by node A after A's own earlier write would get the clock
 * {A:n+1}, which dominates {A:n} and silently replaces it, although the two
 * writes were concurrent from the clients' point of view. With a dot, the new
 * version supersedes exactly what its context has seen; the rest stay siblings.
 *
 * Why a context is a vector *plus explicit dots*: a version (A:6) written by a
 * client that had seen only A:1..3 must not claim A:4 and A:5. Flattening its
 * context and dot into the vector {A:6} does claim them, and a later write
 * with that context silently drops the siblings A:4 and A:5 that nobody read
 * (and with them the knowledge that A issued those counters). So a context
 * records exactly what was seen: a contiguous prefix per actor (`vv`) and the
 * dots beyond it (`dots`, the "dot cloud" of delta-CRDTs), folded into the
 * prefix whenever they become contiguous.
 */

/** actor → highest counter of that actor. */
export type VClock = Record<string, number>;

export interface Dot {
  node: string;
  counter: number;
}

/** What a client has seen: every counter 1..vv[a] of each actor a, plus `dots`. */
export interface Context {
  vv: VClock;
  dots?: Dot[];
}

export interface Version<V = unknown> {
  value: V;
  dot: Dot;
  /** What the writing client had seen: the context it passed to put. */
  context: Context;
  /** The coordinator's wall clock at the write (ms): shows clock skew; never orders versions. */
  ts?: number;
}

export type Order = 'before' | 'after' | 'equal' | 'concurrent';

export const EMPTY_CONTEXT: Context = { vv: {} };

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

export function covers(context: Context, dot: Dot): boolean {
  if ((context.vv[dot.node] ?? 0) >= dot.counter) return true;
  return context.dots?.some((d) => d.node === dot.node && d.counter === dot.counter) ?? false;
}

/** The union of what several contexts have seen (and of extra dots), normalized. */
export function joinContexts(
  contexts: readonly Context[],
  extraDots: readonly Dot[] = [],
): Context {
  const vv: VClock = {};
  const dots: Dot[] = [...extraDots];
  for (const context of contexts) {
    for (const [node, counter] of Object.entries(context.vv)) {
      if (counter > (vv[node] ?? 0)) vv[node] = counter;
    }
    if (context.dots) dots.push(...context.dots);
  }
  return normalize(vv, dots);
}

/** Folds dots that extend the prefix into it; drops dots the prefix covers. */
function normalize(vv: VClock, dots: Dot[]): Context {
  const byNode = new Map<string, Set<number>>();
  for (const d of dots) {
    if ((vv[d.node] ?? 0) >= d.counter) continue;
    const set = byNode.get(d.node) ?? new Set<number>();
    byNode.set(d.node, set);
    set.add(d.counter);
  }
  const rest: Dot[] = [];
  for (const [node, counters] of byNode) {
    let prefix = vv[node] ?? 0;
    while (counters.delete(prefix + 1)) prefix++;
    if (prefix > 0) vv[node] = prefix;
    for (const counter of [...counters].sort((a, b) => a - b)) rest.push({ node, counter });
  }
  return rest.length > 0 ? { vv, dots: rest } : { vv };
}

/** A version's clock for display: the highest counter seen per actor. */
export function clockOf(version: Version): VClock {
  const clock: VClock = { ...version.context.vv };
  for (const d of [...(version.context.dots ?? []), version.dot]) {
    if (d.counter > (clock[d.node] ?? 0)) clock[d.node] = d.counter;
  }
  return clock;
}

/** The context a client gets from reading these siblings: each one and all it had seen. */
export function contextOf(versions: readonly Version[]): Context {
  return joinContexts(
    versions.map((v) => v.context),
    versions.map((v) => v.dot),
  );
}

export function dotKey(dot: Dot): string {
  return `${dot.node}:${dot.counter}`;
}

/**
 * Joins two sets of sibling versions: the union, minus every version whose
 * dot some other version's context has seen. Commutative, associative and
 * idempotent, so replicas converge whatever order they exchange versions in.
 *
 * Each side must be a sibling set (no version in it has seen another of
 * it), as every set the store keeps, sends or logs is: a merge's result, or
 * one new version. So a version can only have been seen by the other side:
 * 2·|a|·|b| checks where the union's pairs took (|a|+|b|)², a sixth of a
 * write's merge at five siblings. `vclock.test.ts` holds this to the
 * definition over the union.
 */
export function merge<V>(a: readonly Version<V>[], b: readonly Version<V>[]): Version<V>[] {
  // Sibling sets are a handful of versions: pairwise loops beat building
  // maps and strings, and every write and read goes through here.
  const kept: Version<V>[] = [];
  for (const v of a) {
    if (!seenBy(b, v) && !kept.some((u) => sameDot(u.dot, v.dot))) kept.push(v);
  }
  for (const v of b) {
    if (
      !seenBy(a, v) &&
      !a.some((u) => sameDot(u.dot, v.dot)) &&
      !kept.some((u) => sameDot(u.dot, v.dot))
    )
      kept.push(v);
  }
  return kept.sort((x, y) => compareDots(x.dot, y.dot));
}

/** Whether a version other than `v` (by dot) in `set` has seen `v`. */
function seenBy(set: readonly Version[], v: Version): boolean {
  for (const u of set) if (!sameDot(u.dot, v.dot) && covers(u.context, v.dot)) return true;
  return false;
}

function sameDot(a: Dot, b: Dot): boolean {
  return a.counter === b.counter && a.node === b.node;
}

/** A total order of dots, the same on every node, so sibling sets list alike. */
function compareDots(a: Dot, b: Dot): number {
  if (a.node !== b.node) return a.node < b.node ? -1 : 1;
  return a.counter - b.counter;
}

/**
 * Last-write-wins, as Cassandra resolves conflicts: of any versions, only
 * the one with the latest coordinator timestamp survives (ties broken by
 * dot, so every replica picks the same). Causality is ignored: a write
 * concurrent with it, or even one after it from a node whose clock is
 * behind, is dropped silently. A max, so replicas still converge.
 */
export function lastWriteWins<V>(versions: readonly Version<V>[]): Version<V>[] {
  let best: Version<V> | undefined;
  for (const v of versions) {
    if (
      !best ||
      (v.ts ?? 0) > (best.ts ?? 0) ||
      ((v.ts ?? 0) === (best.ts ?? 0) && dotKey(v.dot) > dotKey(best.dot))
    )
      best = v;
  }
  return best ? [best] : [];
}

/** How a store resolves concurrent versions: kept as siblings, or last-write-wins. */
export type Conflicts = 'siblings' | 'lww';

/**
 * Two replicas' versions of a key, joined: with siblings, every version
 * no other has seen; with last-write-wins, the latest alone.
 */
export function joinVersions(
  conflicts: Conflicts,
  a: readonly Version[],
  b: readonly Version[],
): Version[] {
  const merged = merge(a, b);
  return conflicts === 'lww' ? lastWriteWins(merged) : merged;
}

/**
 * The counter an actor gives its next write of a key: above every counter of
 * its own that it has stored or seen in a context. Exact contexts mean a
 * version is only dropped by one whose context holds its dot and everything
 * it had seen, so this knowledge survives; a crash is covered by actor ids
 * that change at every start (incarnation.ts).
 */
export function nextCounter(actor: string, stored: readonly Version[], context: Context): number {
  let max = maxCounter(context, actor);
  for (const v of stored) {
    if (v.dot.node === actor) max = Math.max(max, v.dot.counter);
    max = Math.max(max, maxCounter(v.context, actor));
  }
  return max + 1;
}

function maxCounter(context: Context, actor: string): number {
  let max = context.vv[actor] ?? 0;
  for (const d of context.dots ?? []) if (d.node === actor) max = Math.max(max, d.counter);
  return max;
}

/** True when both sets hold the same versions (same dots). */
export function sameVersions(a: readonly Version[], b: readonly Version[]): boolean {
  // A reply answered "the same" is the coordinator's own set.
  if (a === b) return true;
  return a.length === b.length && b.every((v) => a.some((u) => sameDot(u.dot, v.dot)));
}
