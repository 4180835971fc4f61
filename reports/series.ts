import { FAIL, FINAL_CLUSTER, FINAL_REPLICA, INFO, OK, type OpTable } from '../core/op-table.ts';

/**
 * The report's time series of one history: every run-phase op as a point
 * (time, latency, outcome) by op type, latency quantiles and throughput per
 * second. Pure functions of the table and the run phase's bounds, so the
 * charts' data is tested on fixed histories.
 */

export interface ScatterSeries {
  f: string;
  type: 'ok' | 'fail' | 'info';
  /** Seconds from the start of the run phase, 3 decimals. */
  t: number[];
  /** Milliseconds, 2 decimals. */
  latencyMs: number[];
  /** Ops of this series in the run phase; more than t.length when downsampled. */
  total: number;
}

export interface SecondSeries {
  /** Second of the run phase (bucket start). */
  t: number[];
  p50: (number | null)[];
  p95: (number | null)[];
  p99: (number | null)[];
  max: (number | null)[];
  /** ok ops completed in each second, per op type. */
  okByF: Record<string, number[]>;
  /** fail and info ops, all types together. */
  fail: number[];
  info: number[];
}

export interface OpSeries {
  scatter: ScatterSeries[];
  seconds: SecondSeries;
}

export interface SeriesOptions {
  /** Points kept per ok series (op type); the rest are downsampled. */
  okPoints?: number;
  /**
   * Points kept per fail or info series. Jepsen keeps every one; so do we up
   * to this bound, which only a flood of instant refusals reaches.
   */
  errorPoints?: number;
}

/** Run phase ops only: the load before it and the final reads after it are not the workload. */
export function opSeries(
  t: OpTable,
  run: { startNs: number; endNs: number },
  options: SeriesOptions = {},
): OpSeries {
  const okPoints = options.okPoints ?? 4000;
  const errorPoints = options.errorPoints ?? 20_000;
  const { invokes, completions } = t.pairs();
  const seconds = Math.max(1, Math.ceil((run.endNs - run.startNs) / 1e9));
  // Per series: positions of its completed pairs, in time order.
  const members = new Map<string, number[]>();
  const perSecond: number[][] = Array.from({ length: seconds }, () => []);
  const okByF: Record<string, number[]> = {};
  const fail = new Array<number>(seconds).fill(0);
  const info = new Array<number>(seconds).fill(0);
  for (let p = 0; p < invokes.length; p++) {
    const i = invokes[p]!;
    const c = completions[p]!;
    const at = t.time[i]!;
    if (at < run.startNs || at >= run.endNs || t.flags[i]! & (FINAL_CLUSTER | FINAL_REPLICA))
      continue;
    // An op the run ended before answering is unknown: drawn at the end.
    const type = c === -1 ? INFO : t.type[c]!;
    const f = t.fName(i);
    const name = `${f}\u0000${type}`;
    const list = members.get(name) ?? [];
    if (list.length === 0) members.set(name, list);
    list.push(p);
    const doneAt = c === -1 ? run.endNs : t.time[c]!;
    const second = Math.min(seconds - 1, Math.max(0, Math.floor((doneAt - run.startNs) / 1e9)));
    if (type === OK) {
      perSecond[second]!.push((doneAt - at) / 1e6);
      okByF[f] ??= new Array<number>(seconds).fill(0);
      okByF[f][second]!++;
    } else if (type === FAIL) fail[second]!++;
    else info[second]!++;
  }

  const scatter: ScatterSeries[] = [];
  for (const [name, list] of members) {
    const [f, code] = name.split('\u0000') as [string, string];
    const type = Number(code) === OK ? 'ok' : Number(code) === FAIL ? 'fail' : 'info';
    const kept = downsample(list, type === 'ok' ? okPoints : errorPoints, (p) =>
      latencyOf(t, invokes[p]!, completions[p]!, run.endNs),
    );
    scatter.push({
      f,
      type,
      t: kept.map((p) => round((t.time[invokes[p]!]! - run.startNs) / 1e9, 3)),
      latencyMs: kept.map((p) => round(latencyOf(t, invokes[p]!, completions[p]!, run.endNs), 2)),
      total: list.length,
    });
  }
  scatter.sort((a, b) => a.f.localeCompare(b.f) || TYPE_ORDER[a.type] - TYPE_ORDER[b.type]);

  const q = perSecond.map((l) => quantiles(l));
  return {
    scatter,
    seconds: {
      t: Array.from({ length: seconds }, (_, s) => s),
      p50: q.map((x) => x?.p50 ?? null),
      p95: q.map((x) => x?.p95 ?? null),
      p99: q.map((x) => x?.p99 ?? null),
      max: q.map((x) => x?.max ?? null),
      okByF,
      fail,
      info,
    },
  };
}

const TYPE_ORDER = { ok: 0, fail: 1, info: 2 } as const;

function latencyOf(t: OpTable, i: number, c: number, endNs: number): number {
  return ((c === -1 ? endNs : t.time[c]!) - t.time[i]!) / 1e6;
}

/**
 * At most `limit` of `list` (in time order), spread evenly over it, keeping
 * in each stretch its slowest op: a stride alone would drop the outliers a
 * latency plot is read for.
 */
export function downsample(
  list: readonly number[],
  limit: number,
  latency: (p: number) => number,
): number[] {
  if (list.length <= limit) return [...list];
  const buckets = Math.max(1, Math.floor(limit / 2));
  const out: number[] = [];
  for (let b = 0; b < buckets; b++) {
    const from = Math.floor((b * list.length) / buckets);
    const to = Math.floor(((b + 1) * list.length) / buckets);
    if (from >= to) continue;
    let slowest = from;
    for (let j = from + 1; j < to; j++)
      if (latency(list[j]!) > latency(list[slowest]!)) slowest = j;
    // The stretch's first op (the even spread) and its slowest, in time order.
    out.push(list[from]!);
    if (slowest !== from) out.push(list[slowest]!);
  }
  return out;
}

/** Nearest-rank quantiles of one second's latencies, or null for a second without ok ops. */
export function quantiles(
  latencies: number[],
): { p50: number; p95: number; p99: number; max: number } | null {
  if (latencies.length === 0) return null;
  const sorted = Float64Array.from(latencies).sort();
  const at = (q: number) => round(sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]!, 2);
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99), max: round(sorted[sorted.length - 1]!, 2) };
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
