import { type Op, pairs } from '../../../core/history.ts';
import type { CheckResult } from '../types.ts';
import { type LinOp, MODELS, type Model } from './models.ts';
import { type Budget, type Counterexample, searchKey } from './search.ts';

export interface LinearizableOptions {
  /** `register` or `cas-register` (default: cas-register when the history has cas ops). */
  model?: string;
  /** Whole-check time budget in ms (default 10 s). */
  timeLimitMs?: number;
  /** Memoized configurations kept at most, over all keys (default 4,000,000: about 1 GB). */
  maxConfigurations?: number;
}

export class UnknownOpError extends Error {}

/**
 * Linearizability of registers, one key at a time (linearizability is
 * compositional: a history is linearizable iff each key's sub-history is).
 * `fail` ops never happened and are dropped; an `info` op (or one cut off by
 * the end of the history) may take effect at any time after its invocation
 * or never, so its completion is placed at infinity; an info read returned
 * nothing to check and is dropped, and so is an indefinite write whose value
 * nobody observed (no read returned it, no cas expected it): it can always be
 * placed after everything, so it constrains nothing, while every pending op
 * multiplies the search. Final-phase reads are left out: they are
 * checked by lost-writes and convergence, and replica reads are not meant to
 * be linearizable.
 *
 * Out of budget (time or memory), the verdict is "unknown", never a hang.
 */
export interface LinearizableResult extends CheckResult {
  model: string;
  keys: number;
  ops: number;
  nonLinearizableKeys: number;
  /** The first keys found not linearizable, each with its counterexample. */
  failures?: { key: string; counterexample: ShownCounterexample }[];
  /** Keys whose search ran out of budget. */
  unknownKeys?: { key: string; reason: string; ops: number }[];
  configurations: number;
  elapsedMs: number;
}

/** A counterexample as the result holds it: plain data, times in ms. */
export type ShownCounterexample = ReturnType<typeof evidence>;

export function checkLinearizable(
  history: readonly Op[],
  options: LinearizableOptions = {},
): LinearizableResult {
  const started = Date.now();
  const hasCas = history.some((op) => op.f === 'cas');
  const modelName = options.model ?? (hasCas ? 'cas-register' : 'register');
  const model = MODELS[modelName];
  if (!model) {
    throw new UnknownOpError(
      `unknown model "${modelName}"; valid: ${Object.keys(MODELS).join(', ')}`,
    );
  }
  const byKey = opsByKey(history, model);
  const budget: Budget = {
    deadline: started + (options.timeLimitMs ?? 10_000),
    maxConfigurations: options.maxConfigurations ?? 4_000_000,
    used: 0,
  };

  const failures: { key: string; counterexample: ReturnType<typeof evidence> }[] = [];
  const unknown: { key: string; reason: string; ops: number }[] = [];
  let opCount = 0;
  // Small keys first: a budget spent on one huge key leaves the rest checked.
  const keys = [...byKey.keys()].sort((a, b) => byKey.get(a)!.length - byKey.get(b)!.length);
  for (const key of keys) {
    const ops = byKey.get(key)!;
    opCount += ops.length;
    const result = searchKey(ops, model, budget);
    if (result.valid === false)
      failures.push({ key, counterexample: evidence(result.counterexample) });
    else if (result.valid === 'unknown')
      unknown.push({ key, reason: result.reason, ops: ops.length });
  }

  return {
    valid: failures.length > 0 ? false : unknown.length > 0 ? 'unknown' : true,
    model: model.name,
    keys: byKey.size,
    ops: opCount,
    nonLinearizableKeys: failures.length,
    ...(failures.length > 0 ? { failures: failures.slice(0, 10) } : {}),
    ...(unknown.length > 0 ? { unknownKeys: unknown.slice(0, 10) } : {}),
    configurations: budget.used,
    elapsedMs: Date.now() - started,
  };
}

/** Each key's client ops (final-phase reads and failed ops left out), ids dense from 0. */
function opsByKey(history: readonly Op[], model: Model<unknown>): Map<string, LinOp[]> {
  const byKey = new Map<string, LinOp[]>();
  for (const { invoke, complete } of pairs(history)) {
    if (invoke.final || invoke.key === undefined) continue;
    if (!model.fs.includes(invoke.f)) {
      throw new UnknownOpError(
        `op ${invoke.index} has f "${invoke.f}", which model ${model.name} does not know (it knows ${model.fs.join(', ')})`,
      );
    }
    if (complete?.type === 'fail') continue;
    const indefinite = complete === undefined || complete.type === 'info';
    if (indefinite && invoke.f === 'read') continue;
    const ops = byKey.get(invoke.key) ?? [];
    byKey.set(invoke.key, ops);
    ops.push({
      id: ops.length,
      process: invoke.process,
      f: invoke.f,
      input: invoke.value,
      output: indefinite ? undefined : complete!.value,
      siblings: complete?.siblings === true,
      indefinite,
      call: invoke.time,
      ret: indefinite ? Number.POSITIVE_INFINITY : complete!.time,
      index: invoke.index,
      ...(complete ? { completeIndex: complete.index } : {}),
    });
  }
  for (const [key, ops] of byKey) byKey.set(key, dropUnobservedIndefiniteWrites(ops));
  return byKey;
}

function dropUnobservedIndefiniteWrites(ops: LinOp[]): LinOp[] {
  const observed = new Set<string>();
  for (const op of ops) {
    if (op.f === 'read' && !op.indefinite) {
      for (const v of op.siblings && Array.isArray(op.output) ? op.output : [op.output])
        observed.add(JSON.stringify(v ?? null));
    }
    if (op.f === 'cas') observed.add(JSON.stringify((op.input as unknown[])[0] ?? null));
  }
  const kept = ops.filter(
    (op) => !(op.indefinite && op.f === 'write' && !observed.has(JSON.stringify(op.input ?? null))),
  );
  return kept.map((op, id) => ({ ...op, id }));
}

/** A counterexample in plain data: each op as the history shows it, times in ms. */
function evidence(c: Counterexample) {
  const show = (op: LinOp) => ({
    process: op.process,
    f: op.f,
    ...(op.f === 'read' ? {} : { value: op.input }),
    ...(op.f === 'read' || op.f === 'cas'
      ? { returned: op.indefinite ? 'unknown' : op.output }
      : {}),
    ...(op.siblings ? { siblings: true } : {}),
    invokedMs: Math.round(op.call / 1e3) / 1e3,
    completedMs: Number.isFinite(op.ret) ? Math.round(op.ret / 1e3) / 1e3 : null,
    index: op.index,
  });
  const siblings = c.stuck.siblings && Array.isArray(c.stuck.output) ? c.stuck.output : undefined;
  return {
    explanation: siblings
      ? `${describeOp(c.stuck)} returned ${siblings.length} concurrent versions (siblings): a linearizable register holds one value at a time`
      : `after ${c.before.length ? c.before.map((op) => `${op.f} ${JSON.stringify(op.f === 'read' ? op.output : op.input)}`).join(', ') : 'the start'} the register holds ${c.state}; ${describeOp(c.stuck)} completed, but neither it nor any op concurrent with it can take effect next`,
    stuck: show(c.stuck),
    concurrent: c.concurrent.map(show),
    before: c.before.map(show),
    state: c.state,
  };
}

function describeOp(op: LinOp): string {
  if (op.f === 'read') return `read of ${JSON.stringify(op.output)} by process ${op.process}`;
  return `${op.f} ${JSON.stringify(op.input)} by process ${op.process}`;
}
