import { build, type Histogram } from 'hdr-histogram-js';
import type { OpType } from '../core/history.ts';

/** Healthy: no fault in effect when the op was invoked. */
export type Phase = 'healthy' | 'fault';

const MAX_LATENCY_US = 60_000_000;

export interface LatencySummary {
  p50: number;
  p95: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
}

export interface OutcomeSummary {
  ok: number;
  fail: number;
  info: number;
  /** Latency of the ok completions, in milliseconds. */
  latencyMs: LatencySummary | null;
}

export interface TimelinePoint {
  /** Second of the run phase. */
  t: number;
  ok: number;
  fail: number;
  info: number;
}

export interface MetricsSummary {
  durationS: number;
  ok: number;
  fail: number;
  info: number;
  /** ok operations per second over the run phase. */
  throughput: number;
  /** Per operation type, then per phase, and `all`. */
  byF: Record<string, Record<Phase | 'all', OutcomeSummary>>;
  timeline: TimelinePoint[];
}

class Outcomes {
  ok = 0;
  fail = 0;
  info = 0;
  readonly latency: Histogram = build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: MAX_LATENCY_US,
    numberOfSignificantValueDigits: 3,
  });

  add(type: Exclude<OpType, 'invoke'>, latencyUs: number): void {
    this[type]++;
    if (type === 'ok') this.latency.recordValue(Math.min(MAX_LATENCY_US, Math.max(1, latencyUs)));
  }

  summary(): OutcomeSummary {
    const h = this.latency;
    const ms = (us: number) => Math.round(us) / 1000;
    return {
      ok: this.ok,
      fail: this.fail,
      info: this.info,
      latencyMs:
        h.totalCount === 0
          ? null
          : {
              p50: ms(h.getValueAtPercentile(50)),
              p95: ms(h.getValueAtPercentile(95)),
              p99: ms(h.getValueAtPercentile(99)),
              p999: ms(h.getValueAtPercentile(99.9)),
              max: ms(h.maxValue),
              mean: ms(h.mean),
            },
    };
  }
}

/** Latencies (HdrHistogram) per op type and phase, and throughput per second. */
export class Metrics {
  /** Per op type: per phase and `all`, made on first use. */
  private readonly outcomes = new Map<string, Partial<Record<Phase | 'all', Outcomes>>>();
  private readonly timeline: TimelinePoint[] = [];
  private readonly totals = { ok: 0, fail: 0, info: 0 };

  /** `startNs` is when the run phase began, on the run clock. */
  constructor(private readonly startNs: number) {}

  record(
    f: string,
    phase: Phase,
    type: Exclude<OpType, 'invoke'>,
    latencyNs: number,
    atNs: number,
  ): void {
    const latencyUs = latencyNs / 1000;
    let byPhase = this.outcomes.get(f);
    if (!byPhase) {
      byPhase = {};
      this.outcomes.set(f, byPhase);
    }
    byPhase[phase] ??= new Outcomes();
    byPhase.all ??= new Outcomes();
    byPhase[phase].add(type, latencyUs);
    byPhase.all.add(type, latencyUs);
    this.totals[type]++;
    const second = Math.max(0, Math.floor((atNs - this.startNs) / 1e9));
    while (this.timeline.length <= second) {
      this.timeline.push({ t: this.timeline.length, ok: 0, fail: 0, info: 0 });
    }
    this.timeline[second]![type]++;
  }

  get counts(): Readonly<{ ok: number; fail: number; info: number }> {
    return this.totals;
  }

  summary(endNs: number): MetricsSummary {
    const durationS = Math.max(1e-9, (endNs - this.startNs) / 1e9);
    const byF: MetricsSummary['byF'] = {};
    for (const [f, byPhase] of this.outcomes) {
      byF[f] = {} as Record<Phase | 'all', OutcomeSummary>;
      for (const [phase, outcomes] of Object.entries(byPhase) as [Phase | 'all', Outcomes][])
        byF[f][phase] = outcomes.summary();
    }
    return {
      durationS: Math.round(durationS * 1000) / 1000,
      ...this.totals,
      throughput: Math.round((this.totals.ok / durationS) * 10) / 10,
      byF,
      // A trailing partial second would plot as a false drop in throughput.
      timeline: this.timeline.filter((p) => p.t + 1 <= durationS + 0.05),
    };
  }
}
