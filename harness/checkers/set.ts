import { type Op, pairs, valuesRead } from '../../core/history.ts';
import { faultWindows, windowAt } from './faults.ts';
import type { CheckResult, StaleCounts } from './types.ts';

const EXAMPLES = 10;

/**
 * An element as the history holds it: workloads add numbers, which key a
 * Map far faster than their strings; anything else by its string.
 */
type Element = number | string;
const elementOf = (value: unknown): Element => (typeof value === 'number' ? value : String(value));

/**
 * Jepsen's set checker, per set (key). Elements are unique per run, so each
 * names its add. A read's value is the array of elements; a read that
 * returned siblings (concurrent versions of the set) is their union, as a
 * Dynamo client merging a shopping cart would see it.
 *
 * - lost: an add acknowledged `ok` that the final read (after heal) lacks;
 * - recovered: an add whose outcome was unknown (`info`) that the final read has;
 * - unexpected: an element in any read that was never added, or whose add failed;
 * - stale: a read during the run that lacks an element whose add was
 *   acknowledged before the read began (reported with the element and by how
 *   long the read lagged).
 * Without a final read of a set, its lost and recovered counts are unknown.
 */
export interface SetResult extends CheckResult, StaleCounts {
  sets: number;
  attempted: number;
  acknowledged: number;
  lost: number;
  recovered: number;
  unexpected: number;
  unknownSets?: string[];
  examples: {
    lost: { element: string; key: string; index: number }[];
    unexpected: { element: string; key: string; readIndex: number }[];
    stale: { key: string; readIndex: number; invoked: number; missing: string[]; lagMs: number }[];
  };
}

export function checkSet(history: readonly Op[]): SetResult {
  const adds = new Map<
    Element,
    { key: string; outcome: string; invoked: number; completed: number; index: number }
  >();
  // A read's elements as read, without duplicates: one version's array
  // as it is (a set holds each element once), siblings' union deduplicated.
  const reads: { key: string; elements: Element[]; invoked: number; op: Op; final: boolean }[] = [];
  for (const { invoke, complete } of pairs(history)) {
    if (invoke.key === undefined) continue;
    if (invoke.f === 'add') {
      adds.set(elementOf(invoke.value), {
        key: invoke.key,
        outcome: complete?.type ?? 'info',
        invoked: invoke.time,
        completed: complete?.type === 'ok' ? complete.time : Number.POSITIVE_INFINITY,
        index: invoke.index,
      });
    } else if (invoke.f === 'read' && complete?.type === 'ok' && invoke.final !== 'replica') {
      const versions = valuesRead(complete).filter(Array.isArray) as unknown[][];
      const elements =
        versions.length === 1
          ? versions[0]!.map(elementOf)
          : [...new Set(versions.flatMap((v) => v.map(elementOf)))];
      reads.push({
        key: invoke.key,
        elements,
        invoked: invoke.time,
        op: complete,
        final: invoke.final === 'cluster',
      });
    }
  }

  const finals = new Map<string, Set<Element>>();
  for (const read of reads) if (read.final) finals.set(read.key, new Set(read.elements));

  const lost: { element: string; key: string; index: number }[] = [];
  const recovered: Element[] = [];
  const unknownKeys = new Set<string>();
  let acknowledged = 0;
  for (const [element, add] of adds) {
    if (add.outcome === 'ok') acknowledged++;
    const final = finals.get(add.key);
    if (!final) {
      if (add.outcome === 'ok') unknownKeys.add(add.key);
      continue;
    }
    if (add.outcome === 'ok' && !final.has(element))
      lost.push({ element: String(element), key: add.key, index: add.index });
    if (add.outcome === 'info' && final.has(element)) recovered.push(element);
  }

  const acknowledgedByKey = new Map<string, { element: Element; completed: number }[]>();
  for (const [element, add] of adds) {
    if (add.outcome !== 'ok') continue;
    const list = acknowledgedByKey.get(add.key) ?? [];
    list.push({ element, completed: add.completed });
    acknowledgedByKey.set(add.key, list);
  }
  for (const list of acknowledgedByKey.values()) list.sort((a, b) => a.completed - b.completed);

  const unexpected: { element: string; key: string; readIndex: number }[] = [];
  const stale: {
    key: string;
    readIndex: number;
    invoked: number;
    missing: string[];
    lagMs: number;
  }[] = [];
  for (const read of reads) {
    // Adds of this set acknowledged before the read began are a prefix of
    // its adds sorted by completion. The read is stale when it holds fewer
    // of them than the prefix has: counted in the pass over its elements,
    // so only a stale read pays for finding which are missing.
    let before = 0;
    for (const element of read.elements) {
      const add = adds.get(element);
      if (!add || add.outcome === 'fail' || add.key !== read.key)
        unexpected.push({ element: String(element), key: read.key, readIndex: read.op.index });
      else if (add.outcome === 'ok' && add.completed < read.invoked) before++;
    }
    if (read.final) continue;
    const done = acknowledgedByKey.get(read.key) ?? [];
    const prefix = completedBefore(done, read.invoked);
    if (before >= prefix) continue;
    const held = new Set(read.elements);
    const missing: string[] = [];
    let lag = 0;
    for (let i = 0; i < prefix; i++) {
      const { element, completed } = done[i]!;
      if (!held.has(element)) {
        missing.push(String(element));
        lag = Math.max(lag, read.invoked - completed);
      }
    }
    stale.push({
      key: read.key,
      readIndex: read.op.index,
      invoked: read.invoked,
      missing: missing.slice(0, 5),
      lagMs: Math.round(lag / 1e3) / 1e3,
    });
  }

  const windows = faultWindows(history);
  const staleDuringFaults = stale.filter((s) => windowAt(windows, s.invoked)).length;
  const invalid = lost.length > 0 || unexpected.length > 0;
  return {
    valid: invalid ? false : unknownKeys.size > 0 ? 'unknown' : true,
    sets: new Set([...adds.values()].map((a) => a.key)).size,
    attempted: adds.size,
    acknowledged,
    lost: lost.length,
    recovered: recovered.length,
    unexpected: unexpected.length,
    staleReads: stale.length,
    staleReadsHealthy: stale.length - staleDuringFaults,
    staleReadsDuringFaults: staleDuringFaults,
    reads: reads.filter((r) => !r.final).length,
    ...(unknownKeys.size > 0 ? { unknownSets: [...unknownKeys] } : {}),
    examples: {
      lost: lost.slice(0, EXAMPLES),
      unexpected: unexpected.slice(0, EXAMPLES),
      stale: stale.sort((a, b) => b.lagMs - a.lagMs).slice(0, EXAMPLES),
    },
  };
}

/** How many of `done` (sorted by completion) completed before `time`. */
function completedBefore(done: readonly { completed: number }[], time: number): number {
  let lo = 0;
  let hi = done.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (done[mid]!.completed < time) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
