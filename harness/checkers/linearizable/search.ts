import type { LinOp, Model } from './models.ts';
import { EMPTY, has, isWithOp, type OpSet, withOp } from './op-set.ts';

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
  /** Place in the time order. */
  position: number;
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
  let linearized: OpSet = EMPTY;
  let hash = 0;
  let state = model.init();
  const seen = new Seen<S>(model);
  const calls: { entry: Entry; state: S; linearized: OpSet; hash: number }[] = [];
  // Where the longest linearization ran aground, described only at the end
  // (describing it each time it grew cost O(n) a time).
  let deepest:
    | { depth: number; ret: Entry; linearized: OpSet; before: LinOp[]; state: S }
    | undefined;
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
        const nextHash = (hash ^ zobrist[op.id]!) >>> 0;
        if (seen.add(nextHash, linearized, op.id, next)) {
          if (++budget.used > budget.maxConfigurations) {
            return { valid: 'unknown', reason: 'memory budget spent' };
          }
          calls.push({ entry: entry!, state, linearized, hash });
          state = next;
          linearized = seen.lastBits;
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
          ret: entry!,
          linearized,
          before: calls.slice(-5).map((c) => c.entry.op),
          state,
        };
      }
      const top = calls.pop();
      if (!top) return { valid: false, counterexample: describeStuck(deepest, head, model) };
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
      position: 0,
      match: undefined,
      prev: undefined,
      next: undefined,
    };
    const ret: Entry = {
      op,
      isCall: false,
      time: op.ret,
      position: 0,
      match: undefined,
      prev: undefined,
      next: undefined,
    };
    call.match = ret;
    entries.push(call, ret);
  }
  // Calls before returns at the same instant: touching ops count as concurrent.
  entries.sort((a, b) => a.time - b.time || Number(b.isCall) - Number(a.isCall));
  for (const [i, e] of entries.entries()) e.position = i;
  const head: Entry = {
    op: undefined as unknown as LinOp,
    isCall: false,
    time: -1,
    position: -1,
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

/**
 * The configurations (linearized set, state) met so far: open addressing
 * over typed arrays, keyed by the set's Zobrist hash mixed with the
 * state's; a Map over string keys took half the search's time.
 */
class Seen<S> {
  private slots = new Int32Array(1 << 12);
  private hashes = new Int32Array(1 << 11);
  private count = 0;
  private readonly sets: OpSet[] = [];
  private readonly states: S[] = [];
  /** The set of the configuration `add` last added. */
  lastBits: OpSet = EMPTY;

  constructor(private readonly model: Model<S>) {}

  /** Adds (`base` + op `id`, `state`) unless it is there; true when it was new. */
  add(setHash: number, base: OpSet, id: number, state: S): boolean {
    const hash = (setHash ^ Math.imul(stateHash(state, this.model), 0x9e3779b1)) | 0;
    const mask = this.slots.length - 1;
    let slot = hash & mask;
    for (let at = this.slots[slot]!; at !== 0; at = this.slots[slot]!) {
      const c = at - 1;
      if (
        this.hashes[c] === hash &&
        isWithOp(this.sets[c]!, base, id) &&
        this.sameState(this.states[c]!, state)
      )
        return false;
      slot = (slot + 1) & mask;
    }
    const bits = withOp(base, id);
    this.lastBits = bits;
    if (this.count === this.hashes.length) {
      const grown = new Int32Array(this.count * 2);
      grown.set(this.hashes);
      this.hashes = grown;
    }
    this.hashes[this.count] = hash;
    this.sets.push(bits);
    this.states.push(state);
    this.slots[slot] = ++this.count;
    if (this.count * 2 > this.slots.length) this.grow();
    return true;
  }

  /** Every configuration into a table twice the size. */
  private grow(): void {
    this.slots = new Int32Array(this.slots.length * 2);
    const mask = this.slots.length - 1;
    for (let c = 0; c < this.count; c++) {
      let s = this.hashes[c]! & mask;
      while (this.slots[s] !== 0) s = (s + 1) & mask;
      this.slots[s] = c + 1;
    }
  }

  private sameState(a: S, b: S): boolean {
    return a === b || this.model.key(a) === this.model.key(b);
  }
}

/** A 32-bit hash of a state: numbers by their value, anything else by its key. */
function stateHash<S>(state: S, model: Model<S>): number {
  if (typeof state === 'number' && Number.isInteger(state)) return state | 0;
  if (state === null || state === undefined) return 0x5bd1e995;
  const key = model.key(state);
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return h;
}

/**
 * The counterexample: the op whose return was met, the ops that were
 * pending then (not linearized, called before that return), the last ops
 * linearized and the state they left.
 */
function describeStuck<S>(
  stuck: { ret: Entry; linearized: OpSet; before: LinOp[]; state: S },
  head: Entry,
  model: Model<S>,
): Counterexample {
  const concurrent: LinOp[] = [];
  const done = (op: LinOp) => has(stuck.linearized, op.id);
  for (let e = head.next; e; e = e.next) {
    if (e.isCall && e.position < stuck.ret.position && !done(e.op) && e.op !== stuck.ret.op)
      concurrent.push(e.op);
  }
  return {
    stuck: stuck.ret.op,
    concurrent,
    before: stuck.before,
    state: model.describe(stuck.state),
  };
}
