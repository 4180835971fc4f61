import { type Op, pairs } from '../../core/history.ts';
import type { CheckResult } from './types.ts';

const EXAMPLES = 10;

/**
 * Jepsen's counter: `add` of a delta (non-negative) and `read`, from 0. A
 * read can have seen at least every add acknowledged before it began, and
 * at most every add (ok or indefinite) begun before it ended; a value
 * outside those bounds is an anomaly. Failed adds never happened.
 */
export interface CounterResult extends CheckResult {
  reads: number;
  outOfBounds: number;
  examples: { index: number; value: unknown; expected: [number, number]; timeMs: number }[];
}

export function checkCounter(history: readonly Op[]): CounterResult {
  // Events in time order: the bounds move as adds begin and complete.
  type Event = {
    time: number;
    kind: 'begin' | 'ack' | 'read-start' | 'read-end';
    delta?: number;
    read?: Read;
  };
  interface Read {
    op: Op;
    value: number;
    lower: number;
    upper: number;
  }
  const events: Event[] = [];
  const reads: Read[] = [];
  for (const { invoke, complete } of pairs(history)) {
    if (invoke.f === 'add') {
      if (complete?.type === 'fail') continue;
      const delta = Number(invoke.value);
      events.push({ time: invoke.time, kind: 'begin', delta });
      if (complete?.type === 'ok') events.push({ time: complete.time, kind: 'ack', delta });
    } else if (invoke.f === 'read' && complete?.type === 'ok' && invoke.final !== 'replica') {
      const read: Read = { op: complete, value: Number(complete.value), lower: 0, upper: 0 };
      reads.push(read);
      events.push(
        { time: invoke.time, kind: 'read-start', read },
        { time: complete.time, kind: 'read-end', read },
      );
    }
  }
  // At equal times, count adds in before reads look (the permissive order).
  const rank = { begin: 0, ack: 1, 'read-start': 2, 'read-end': 3 };
  events.sort((a, b) => a.time - b.time || rank[a.kind] - rank[b.kind]);
  let acknowledged = 0;
  let begun = 0;
  for (const e of events) {
    if (e.kind === 'begin') begun += e.delta!;
    else if (e.kind === 'ack') acknowledged += e.delta!;
    else if (e.kind === 'read-start') e.read!.lower = acknowledged;
    else e.read!.upper = begun;
  }
  const errors = reads.filter((r) => r.value < r.lower || r.value > r.upper);
  return {
    valid: reads.length === 0 ? 'unknown' : errors.length === 0,
    reads: reads.length,
    outOfBounds: errors.length,
    examples: errors.slice(0, EXAMPLES).map((r) => ({
      index: r.op.index,
      value: r.value,
      expected: [r.lower, r.upper],
      timeMs: Math.round(r.op.time / 1e3) / 1e3,
    })),
  };
}
