import { type Op, pairs, valuesRead } from '../../core/history.ts';
import { faultWindows, type Window, windowAt } from './faults.ts';
import { valueKey } from './kv.ts';
import type { CheckResult, StaleCounts } from './types.ts';

/** Upper bounds (ms) of the t-visibility bins; the last bin is open. */
const BINS_MS = [1, 2, 5, 10, 20, 50, 100, 500, 1000, 5000];

interface Write {
  value: string;
  invoked: number;
  acked: number;
}

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
}

export interface StalenessResult extends CheckResult, StalenessSummary {
  valid: true;
  /** The same, for reads of one replica's own copy, when the workload made them. */
  replicaReads?: StalenessSummary;
}

export function checkStaleness(history: readonly Op[]): StalenessResult {
  const writes = new Map<string, Write[]>();
  const byValue = new Map<string, Write>();
  const reads: Read[] = [];
  for (const { invoke, complete } of pairs(history)) {
    if (invoke.key === undefined || invoke.final) continue;
    if (invoke.f === 'write' || invoke.f === 'update' || invoke.f === 'insert') {
      const w: Write = {
        value: valueKey(invoke.value),
        invoked: invoke.time,
        acked: complete?.type === 'ok' ? complete.time : Number.POSITIVE_INFINITY,
      };
      if (complete?.type === 'fail') continue;
      byValue.set(`${invoke.key} ${w.value}`, w);
      const list = writes.get(invoke.key) ?? [];
      list.push(w);
      writes.set(invoke.key, list);
    } else if (invoke.f === 'read' && complete?.type === 'ok') {
      reads.push({
        key: invoke.key,
        invoked: invoke.time,
        values: valuesRead(complete).map(valueKey),
        replica: invoke.replica === true,
      });
    }
  }
  for (const list of writes.values()) list.sort((a, b) => a.acked - b.acked);

  const windows = faultWindows(history);
  const ordinary = summarize(
    reads.filter((r) => !r.replica),
    writes,
    byValue,
    windows,
  );
  const replicas = reads.some((r) => r.replica)
    ? {
        replicaReads: summarize(
          reads.filter((r) => r.replica),
          writes,
          byValue,
          windows,
        ),
      }
    : {};
  return { valid: true, ...ordinary, ...replicas };
}

interface Read {
  key: string;
  invoked: number;
  values: string[];
  /** A read of one replica's own copy, not through the cluster. */
  replica: boolean;
}

function summarize(
  reads: readonly Read[],
  writes: Map<string, Write[]>,
  byValue: Map<string, Write>,
  windows: readonly Window[],
): StalenessSummary {
  const bins = BINS_MS.map((upTo) => ({ upToMs: upTo as number | null, reads: 0, consistent: 0 }));
  bins.push({ upToMs: null, reads: 0, consistent: 0 });
  const k = new Map<string, number>();
  let stale = 0;
  let staleDuringFaults = 0;
  let measured = 0;
  for (const read of reads) {
    const list = writes.get(read.key) ?? [];
    // Acknowledged before the read began: a prefix of the list sorted by ack.
    let n = 0;
    while (n < list.length && list[n]!.acked < read.invoked) n++;
    if (n === 0) continue;
    measured++;
    const latest = list[n - 1]!;
    const seen = read.values
      .map((v) => byValue.get(`${read.key} ${v}`))
      .filter((w) => w !== undefined);
    // Concurrent writes have no real-time order: a value whose write had not
    // completed when the latest began is as new as the latest.
    const fresh = seen.some((w) => w.acked >= latest.invoked);
    const newestSeen = Math.max(Number.NEGATIVE_INFINITY, ...seen.map((w) => w.acked));
    const missed = fresh ? 0 : list.slice(0, n).filter((w) => w.invoked > newestSeen).length;
    const label = missed >= 3 ? '3+' : String(missed);
    k.set(label, (k.get(label) ?? 0) + 1);
    const faulty = windowAt(windows, read.invoked) !== undefined;
    if (missed > 0) {
      stale++;
      if (faulty) staleDuringFaults++;
    }
    if (faulty) continue;
    const t = (read.invoked - latest.acked) / 1e6;
    const bin = bins.find((b) => b.upToMs === null || t <= b.upToMs)!;
    bin.reads++;
    if (missed === 0) bin.consistent++;
  }
  return {
    reads: measured,
    staleReads: stale,
    staleReadsHealthy: stale - staleDuringFaults,
    staleReadsDuringFaults: staleDuringFaults,
    tVisibility: bins
      .filter((b) => b.reads > 0)
      .map((b) => ({ ...b, pConsistent: Math.round((b.consistent / b.reads) * 10_000) / 10_000 })),
    kStaleness: Object.fromEntries(
      ['0', '1', '2', '3+'].map((label) => [label, k.get(label) ?? 0]),
    ),
  };
}
