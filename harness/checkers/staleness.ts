import {
  FAIL,
  FINAL_CLUSTER,
  FINAL_REPLICA,
  type History,
  OK,
  OpTable,
  REPLICA,
} from '../../core/op-table.ts';
import { faultWindows, windowAt } from './faults.ts';
import { eachRead, type Writes, writeIndex, writesOf } from './kv.ts';
import type { CheckResult, StaleCounts } from './types.ts';

/** Upper bounds (ms) of the t-visibility bins; the last bin is open. */
const BINS_MS = [1, 2, 5, 10, 20, 50, 100, 500, 1000, 5000];

const EXAMPLES = 5;

/**
 * Staleness of reads, as PBS measures it. For each read, the writes to its
 * key acknowledged before the read began are the ones it should see; the
 * newest of them (by acknowledgement) is the latest. The read is consistent
 * when it returned a value whose write had not completed when the latest
 * began (the latest, a concurrent write, or one still in flight); otherwise
 * it is stale by k, the acknowledged writes that began after the newest
 * value it returned had completed: versions it certainly missed.
 * t is how long after the latest's acknowledgement the read began.
 *
 * Result: `tVisibility` (per t bin: reads and the probability of a
 * consistent read, healthy periods only, as PBS assumes), k-staleness counts,
 * and stale reads split healthy / during faults. Reads of one replica's own
 * copy (`replica: true`) are summarized apart, under `replicaReads`: how
 * soon a write reaches each replica. A measurement: valid is true.
 */
export interface StalenessSummary extends StaleCounts {
  /** Per t bin (ms after the latest acknowledgement): reads and the probability of a consistent one. */
  tVisibility: { upToMs: number | null; reads: number; consistent: number; pConsistent: number }[];
  kStaleness: Record<string, number>;
  /** A few stale reads: the read, the latest write it missed (history indexes), versions missed. */
  examples: { readIndex: number; latestIndex: number; missed: number }[];
}

export interface StalenessResult extends CheckResult, StalenessSummary {
  valid: true;
  /** The same, for reads of one replica's own copy, when the workload made them. */
  replicaReads?: StalenessSummary;
}

export function checkStaleness(history: History): StalenessResult {
  const t = OpTable.of(history);
  const writes = writesOf(t);
  const byKey = acknowledgedOrder(writes);
  const index = writeIndex(t);
  const windows = faultWindows(t);
  const ordinary = new Summary();
  const replica = new Summary();
  eachRead(t, undefined, (invoke, complete) => {
    if (complete === -1 || t.type[complete] !== OK) return;
    if (t.flags[invoke]! & (FINAL_CLUSTER | FINAL_REPLICA)) return;
    const key = t.key[invoke]!;
    const list = byKey.get(key);
    if (!list) return;
    const invoked = t.time[invoke]!;
    // Acknowledged before the read began: a prefix of the list sorted by ack.
    const n = prefixBefore(list, writes.completedAt, invoked);
    if (n === 0) return;
    const latest = list[n - 1]!;
    const latestInvoked = t.time[writes.invoke[latest]!]!;
    let fresh = false;
    let newestSeen = Number.NEGATIVE_INFINITY;
    for (const value of t.readIdentities(complete)) {
      const w = index.get(key, value);
      if (w === undefined || writes.outcome[w] === FAIL) continue;
      const acked = writes.completedAt[w]!;
      // Concurrent writes have no real-time order: a value whose write had
      // not completed when the latest began is as new as the latest.
      if (acked >= latestInvoked) fresh = true;
      if (acked > newestSeen) newestSeen = acked;
    }
    // Versions certainly missed: acknowledged writes that began after the
    // newest value seen had completed. Any such write was acknowledged after
    // it too, so the walk back from the latest stops there (or at 3, the
    // last k bin), which keeps a hot key's long list from being rescanned.
    let missed = 0;
    if (!fresh) {
      for (let j = n - 1; j >= 0 && missed < 3; j--) {
        const w = list[j]!;
        if (writes.completedAt[w]! <= newestSeen) break;
        if (t.time[writes.invoke[w]!]! > newestSeen) missed++;
      }
    }
    const summary = t.flags[invoke]! & REPLICA ? replica : ordinary;
    const faulty = windowAt(windows, invoked) !== undefined;
    summary.add(missed, faulty, (invoked - writes.completedAt[latest]!) / 1e6, () => ({
      readIndex: t.op(invoke).index,
      latestIndex: t.op(writes.invoke[latest]!).index,
      missed,
    }));
  });
  return {
    valid: true,
    ...ordinary.result(),
    ...(replica.measured > 0 ? { replicaReads: replica.result() } : {}),
  };
}

/**
 * Each key's writes that may have taken effect (not failed), in the order
 * of their acknowledgement (unknown outcomes last: they may land any time).
 */
function acknowledgedOrder(writes: Writes): Map<number, Int32Array> {
  const counts = new Map<number, number>();
  for (let w = 0; w < writes.count; w++) {
    if (writes.outcome[w] === FAIL) continue;
    const key = writes.key[w]!;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const lists = new Map<number, { list: Int32Array; filled: number }>();
  for (const [key, count] of counts) lists.set(key, { list: new Int32Array(count), filled: 0 });
  for (let w = 0; w < writes.count; w++) {
    if (writes.outcome[w] === FAIL) continue;
    const entry = lists.get(writes.key[w]!)!;
    entry.list[entry.filled++] = w;
  }
  const byKey = new Map<number, Int32Array>();
  for (const [key, { list }] of lists) {
    list.sort((a, b) => writes.completedAt[a]! - writes.completedAt[b]! || a - b);
    byKey.set(key, list);
  }
  return byKey;
}

/** How many of `list` (sorted by `at`) have `at` before `time`. */
function prefixBefore(list: Int32Array, at: Float64Array, time: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (at[list[mid]!]! < time) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The counts of one kind of read (through the cluster, or of one replica's copy). */
class Summary {
  measured = 0;
  private stale = 0;
  private staleDuringFaults = 0;
  private readonly k = [0, 0, 0, 0];
  private readonly bins = [...BINS_MS, null].map((upToMs) => ({ upToMs, reads: 0, consistent: 0 }));
  private readonly examples: StalenessSummary['examples'] = [];

  add(
    missed: number,
    faulty: boolean,
    tMs: number,
    example: () => StalenessSummary['examples'][number],
  ): void {
    this.measured++;
    this.k[Math.min(3, missed)]!++;
    if (missed > 0) {
      this.stale++;
      if (faulty) this.staleDuringFaults++;
      if (this.examples.length < EXAMPLES) this.examples.push(example());
    }
    // t-visibility is PBS's, measured while healthy.
    if (faulty) return;
    const bin = this.bins.find((b) => b.upToMs === null || tMs <= b.upToMs)!;
    bin.reads++;
    if (missed === 0) bin.consistent++;
  }

  result(): StalenessSummary {
    return {
      reads: this.measured,
      staleReads: this.stale,
      staleReadsHealthy: this.stale - this.staleDuringFaults,
      staleReadsDuringFaults: this.staleDuringFaults,
      tVisibility: this.bins
        .filter((b) => b.reads > 0)
        .map((b) => ({
          ...b,
          pConsistent: Math.round((b.consistent / b.reads) * 10_000) / 10_000,
        })),
      kStaleness: { '0': this.k[0]!, '1': this.k[1]!, '2': this.k[2]!, '3+': this.k[3]! },
      examples: this.examples,
    };
  }
}
