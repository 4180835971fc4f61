import { type Op, pairs } from '../history.ts';
import { WRITE_FS } from './kv.ts';
import type { CheckResult } from './types.ts';

/**
 * How a system handles concurrent writes to one key: exposed (a read
 * returned siblings, for the client to resolve) or silently resolved (writes
 * overlapped in time, yet no read ever showed more than one value: one of
 * them won, by timestamp or by order of arrival). Not a verdict.
 */
export function checkConflicts(history: readonly Op[]): CheckResult {
  let siblingReads = 0;
  const examples: number[] = [];
  const writes = new Map<string, { start: number; end: number }[]>();
  for (const { invoke, complete } of pairs(history)) {
    if (invoke.key === undefined || complete?.type !== 'ok') continue;
    if (invoke.f === 'read' && complete.siblings) {
      siblingReads++;
      if (examples.length < 5) examples.push(complete.index);
    } else if (WRITE_FS.has(invoke.f) || invoke.f === 'add') {
      const list = writes.get(invoke.key) ?? [];
      list.push({ start: invoke.time, end: complete.time });
      writes.set(invoke.key, list);
    }
  }
  // Overlapping acknowledged writes per key: a sweep in order of invocation.
  let concurrentWrites = 0;
  for (const list of writes.values()) {
    list.sort((a, b) => a.start - b.start);
    let reach = Number.NEGATIVE_INFINITY;
    for (const w of list) {
      if (w.start < reach) concurrentWrites++;
      reach = Math.max(reach, w.end);
    }
  }
  const handling =
    siblingReads > 0 ? 'exposed' : concurrentWrites > 0 ? 'silently resolved' : 'none seen';
  return { valid: true, handling, siblingReads, concurrentWrites, examples };
}
