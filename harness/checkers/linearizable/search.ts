import type { LinOp, Model } from './models.ts';

/**
 * The Wing–Gong–Lowe search for one key's history (Lowe's memoized variant,
 * as in Porcupine). Calls and returns sit in one time-ordered linked list;
 * the search linearizes the first call it can (the model accepts it and the
 * (set of linearized ops, state) pair is new), lifting the call and its
 * return out of the list, and backtracks when it meets a return whose op is
 * still pending. Lifting is undone in LIFO order (dancing links).
 */

interface Entry {
  op: LinOp;
  isCall: boolean;
  time: number;
  match: Entry | undefined;
  prev: Entry | undefined;
  next: Entry | undefined;
}

export interface Budget {
  /** Wall-clock deadline (Date.now() ms). */
  deadline: number;
  /** Memoized configurations the search may keep, summed over keys. */
  maxConfigurations: number;
  /** Configurations used so far, updated by the search. */
  used: number;
}

export type SearchResult =
  | { valid: true; linearization: number[] }
  | { valid: false; counterexample: Counterexample }
  | { valid: 'unknown'; reason: string };

/** Where the longest linearizable prefix ran aground. */
export interface Counterexample {
  /** The op whose completion arrived while it could not be linearized. */
  stuck: LinOp;
  /** Ops pending at that point (overlapping the stuck op): none could go next. */
  concurrent: LinOp[];
  /** The last ops of the longest linearization found, oldest first. */
  before: LinOp[];
  /** The model's state after them. */
  state: string;
}

export function searchKey<S>(ops: readonly LinOp[], model: Model<S>, budget: Budget): SearchResult {
  const head = buildList(ops);
  const n = ops.length;
  // Zobrist hashing: a random word per op, XORed in and out as ops are
  // linearized, so the set's hash costs O(1) per step.
  const zobrist = new Uint32Array(n);
  let seed = 0x9e3779b9;
  for (let i = 0; i < n; i++) {
    seed = (Math.imul(seed ^ (seed >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    zobrist[i] = seed;
  }
  const words = Math.ceil(n / 32) || 1;
  let linearized: Uint32Array = new Uint32Array(words);
  let hash = 0;
  let state = model.init();
  const cache = new Map<string, Uint32Array[]>();
  const calls: { entry: Entry; state: S; linearized: Uint32Array; hash: number }[] = [];
  let deepest: { depth: number; counterexample: Counterexample } | undefined;
  let steps = 0;

  let entry = head.next;
  while (head.next !== undefined) {
    if ((++steps & 1023) === 0 && Date.now() > budget.deadline) {
      return { valid: 'unknown', reason: 'time budget spent' };
    }
    if (entry!.isCall) {
      const op = entry!.op;
      const next = model.step(state, op);
      if (next !== undefined) {
        const bits = linearized.slice();
        bits[op.id >>> 5]! |= 1 << (op.id & 31);
        const nextHash = (hash ^ zobrist[op.id]!) >>> 0;
        const cacheKey = `${nextHash}|${model.key(next)}`;
        const seen = cache.get(cacheKey);
        if (!seen?.some((b) => equalBits(b, bits))) {
          if (seen) seen.push(bits);
          else cache.set(cacheKey, [bits]);
          if (++budget.used > budget.maxConfigurations) {
            return { valid: 'unknown', reason: 'memory budget spent' };
          }
          calls.push({ entry: entry!, state, linearized, hash });
          state = next;
          linearized = bits;
          hash = nextHash;
          lift(entry!);
          entry = head.next;
          continue;
        }
      }
      entry = entry!.next;
    } else {
      // A return of a pending op: nothing pending before it can go next.
      if (!deepest || calls.length > deepest.depth) {
        deepest = {
          depth: calls.length,
          counterexample: describeStuck(entry!, calls, state, model),
        };
      }
      const top = calls.pop();
      if (!top) return { valid: false, counterexample: deepest.counterexample };
      state = top.state;
      linearized = top.linearized;
      hash = top.hash;
      unlift(top.entry);
      entry = top.entry.next;
    }
  }
  return { valid: true, linearization: calls.map((c) => c.entry.op.id) };
}

function buildList(ops: readonly LinOp[]): Entry {
  const entries: Entry[] = [];
  for (const op of ops) {
    const call: Entry = {
      op,
      isCall: true,
      time: op.call,
      match: undefined,
      prev: undefined,
      next: undefined,
    };
    const ret: Entry = {
      op,
      isCall: false,
      time: op.ret,
      match: undefined,
      prev: undefined,
      next: undefined,
    };
    call.match = ret;
    entries.push(call, ret);
  }
  // Calls before returns at the same instant: touching ops count as concurrent.
  entries.sort((a, b) => a.time - b.time || Number(b.isCall) - Number(a.isCall));
  const head: Entry = {
    op: undefined as unknown as LinOp,
    isCall: false,
    time: -1,
    match: undefined,
    prev: undefined,
    next: undefined,
  };
  let prev = head;
  for (const e of entries) {
    prev.next = e;
    e.prev = prev;
    prev = e;
  }
  return head;
}

function lift(call: Entry): void {
  call.prev!.next = call.next;
  if (call.next) call.next.prev = call.prev;
  const ret = call.match!;
  ret.prev!.next = ret.next;
  if (ret.next) ret.next.prev = ret.prev;
}

function unlift(call: Entry): void {
  const ret = call.match!;
  ret.prev!.next = ret;
  if (ret.next) ret.next.prev = ret;
  call.prev!.next = call;
  if (call.next) call.next.prev = call;
}

function equalBits(a: Uint32Array, b: Uint32Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function describeStuck<S>(
  ret: Entry,
  calls: readonly { entry: Entry }[],
  state: S,
  model: Model<S>,
): Counterexample {
  const concurrent: LinOp[] = [];
  for (let e = ret.prev; e?.op; e = e.prev) if (e.isCall) concurrent.unshift(e.op);
  return {
    stuck: ret.op,
    concurrent: concurrent.filter((op) => op !== ret.op),
    before: calls.slice(-5).map((c) => c.entry.op),
    state: model.describe(state),
  };
}
