/**
 * A set of op ids: `[offset, word, word, …]`, bits of ids from 32 × offset
 * on, every id below that in the set. The search moves forward through the
 * history, so the set is nearly a prefix: copying only the words past the
 * prefix keeps a step O(ops in flight) instead of O(ops) (a full bitset
 * copy per step was most of the time on long single-key histories).
 * Normalized (no full word after the offset, no empty word at the end), so
 * equal sets have equal arrays.
 */
export type OpSet = readonly number[];
export const EMPTY: OpSet = [0];

/** Word `p` (1-based, past the offset) of `set` with `id` added, before normalizing. */
function wordWith(set: OpSet, p: number, at: number, id: number): number {
  return ((p < set.length ? set[p]! : 0) | (p === at ? 1 << (id & 31) : 0)) >>> 0;
}

/**
 * How many words from the start `set` + `id` fills (at: the position of
 * id's word, length: of set + id before normalizing). Nearly always 0.
 */
function fullWords(set: OpSet, id: number, at: number, length: number): number {
  let full = 0;
  while (full + 1 < length && wordWith(set, full + 1, at, id) === 0xffffffff) full++;
  return full;
}

export function withOp(set: OpSet, id: number): OpSet {
  const at = (id >>> 5) - set[0]! + 1;
  const length = Math.max(set.length, at + 1);
  const full = fullWords(set, id, at, length);
  // A plain array: a typed array costs several times as much to make.
  const next: number[] = [set[0]! + full];
  for (let p = full + 1; p < length; p++) next.push(wordWith(set, p, at, id));
  return next;
}

/** Whether `a` is `set` + `id`, without making the latter (most steps meet a known one). */
export function isWithOp(a: OpSet, set: OpSet, id: number): boolean {
  const at = (id >>> 5) - set[0]! + 1;
  const length = Math.max(set.length, at + 1);
  const full = fullWords(set, id, at, length);
  if (a.length !== length - full || a[0] !== set[0]! + full) return false;
  for (let q = 1; q < a.length; q++) if (a[q] !== wordWith(set, q + full, at, id)) return false;
  return true;
}

export function has(set: OpSet, id: number): boolean {
  const at = (id >>> 5) - set[0]! + 1;
  if (at < 1) return true;
  return at < set.length && ((set[at]! >>> (id & 31)) & 1) === 1;
}
