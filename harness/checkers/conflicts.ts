import { type History, OK, OpTable, SIBLINGS } from '../../core/op-table.ts';
import { WRITE_FS } from './kv.ts';
import type { CheckResult } from './types.ts';

/**
 * How a system handles concurrent writes to one key: exposed (a read
 * returned siblings, for the client to resolve) or silently resolved (writes
 * overlapped in time, yet no read ever showed more than one value: one of
 * them won, by timestamp or by order of arrival). Not a verdict.
 */
export interface ConflictsResult extends CheckResult {
  valid: true;
  handling: 'exposed' | 'silently resolved' | 'none seen';
  /** Reads that returned siblings (concurrent versions). */
  siblingReads: number;
  /** Acknowledged writes of a key that overlapped another's in time. */
  concurrentWrites: number;
  /** History indexes of sibling reads. */
  examples: number[];
}

export function checkConflicts(history: History): ConflictsResult {
  const t = OpTable.of(history);
  const { invokes, completions } = t.pairs();
  const read = t.fs.find('read');
  const writeFs = t.fIds([...WRITE_FS, 'add']);
  let siblingReads = 0;
  const examples: number[] = [];
  // Per key, the acknowledged writes' [start, end, start, end, …] in order of invocation.
  const writes = new Map<number, number[]>();
  for (let p = 0; p < invokes.length; p++) {
    const invoke = invokes[p]!;
    const complete = completions[p]!;
    if (t.key[invoke] === -1 || complete === -1 || t.type[complete] !== OK) continue;
    if (t.f[invoke] === read && t.flags[complete]! & SIBLINGS) {
      siblingReads++;
      if (examples.length < 5) examples.push(t.op(complete).index);
    } else if (writeFs.has(t.f[invoke]!)) {
      const list = writes.get(t.key[invoke]!) ?? [];
      if (list.length === 0) writes.set(t.key[invoke]!, list);
      list.push(t.time[invoke]!, t.time[complete]!);
    }
  }
  // Overlapping acknowledged writes per key: a sweep in order of invocation.
  let concurrentWrites = 0;
  for (const list of writes.values()) {
    const count = list.length / 2;
    let sorted = true;
    for (let w = 1; w < count && sorted; w++) sorted = list[2 * w - 2]! <= list[2 * w]!;
    // A recorded history is in time order already: sorting is for the others.
    const order = Array.from({ length: count }, (_, i) => i);
    if (!sorted) order.sort((a, b) => list[2 * a]! - list[2 * b]!);
    let reach = Number.NEGATIVE_INFINITY;
    for (const w of order) {
      if (list[2 * w]! < reach) concurrentWrites++;
      reach = Math.max(reach, list[2 * w + 1]!);
    }
  }
  const handling: ConflictsResult['handling'] =
    siblingReads > 0 ? 'exposed' : concurrentWrites > 0 ? 'silently resolved' : 'none seen';
  return { valid: true, handling, siblingReads, concurrentWrites, examples };
}
