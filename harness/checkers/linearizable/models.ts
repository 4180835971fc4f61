/**
 * Linearizability models, after Porcupine: a model is a few small pure
 * functions (init, step, key, describe) over an immutable state. `step`
 * returns the state after the operation, or undefined when the operation
 * cannot have happened in that state (a read of another value, a cas whose
 * expected value is not there).
 */

/** One client operation of a key's history, as the search sees it. */
export interface LinOp {
  id: number;
  process: number | string;
  f: string;
  /** What the client sent: the value written, [expected, new] of a cas. */
  input: unknown;
  /** What came back: the value read (siblings: the array of them). */
  output: unknown;
  siblings: boolean;
  /** Outcome unknown (`info`, or the history ended first): may take effect or not. */
  indefinite: boolean;
  /** Nanoseconds: invocation, and completion (Infinity when indefinite). */
  call: number;
  ret: number;
  /** History indexes of the invoke and completion, as evidence. */
  index: number;
  completeIndex?: number;
}

export interface Model<S> {
  name: string;
  /** The operations (`f`) the model knows. */
  fs: readonly string[];
  init(): S;
  step(state: S, op: LinOp): S | undefined;
  /** Equal states have equal keys (memoization and caching). */
  key(state: S): string;
  describe(state: S): string;
}

type Value = unknown;
/** Value equality: primitives directly (the hot path), structures by their JSON. */
function same(a: Value, b: Value): boolean {
  if (a === b || (a ?? null) === (b ?? null)) return true;
  return typeof a === 'object' && typeof b === 'object' && JSON.stringify(a) === JSON.stringify(b);
}

function read(state: Value, op: LinOp): Value | undefined {
  if (op.siblings) {
    // A register holds one value; concurrent versions are a violation in
    // themselves unless they all carry the same value.
    const values = Array.isArray(op.output) ? op.output : [op.output];
    return values.every((v) => same(v, state)) ? state : undefined;
  }
  return same(op.output, state) ? state : undefined;
}

/** A read/write register; the initial value is null (the key does not exist). */
export const register: Model<Value> = {
  name: 'register',
  fs: ['read', 'write'],
  init: () => null,
  step(state, op) {
    if (op.f === 'write') return op.input;
    if (op.f === 'read') return read(state, op);
    return undefined;
  },
  key: (state) => (typeof state === 'number' ? String(state) : JSON.stringify(state ?? null)),
  describe: (state) => (state === null ? 'nil' : JSON.stringify(state)),
};

/**
 * A register with compare-and-set: `cas` of [expected, new] succeeds (ok)
 * only when the register holds `expected`; a cas that reported `fail` never
 * reaches the model. An indefinite cas is deterministic given the state: it
 * sets `new` if `expected` is there, else changes nothing.
 */
export const casRegister: Model<Value> = {
  name: 'cas-register',
  fs: ['read', 'write', 'cas'],
  init: () => null,
  step(state, op) {
    if (op.f !== 'cas') return register.step(state, op);
    const [expected, next] = op.input as [Value, Value];
    if (same(state, expected)) return next;
    return op.indefinite ? state : undefined;
  },
  key: register.key,
  describe: register.describe,
};

export const MODELS: Record<string, Model<Value>> = {
  register,
  'cas-register': casRegister,
};
