import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { OpTable } from '../core/op-table.ts';
import type { Share } from '../harness/checkers/availability.ts';
import { resultOf } from '../harness/checkers/index.ts';
import type { InternalsSeries } from '../harness/internals.ts';
import type { ResourceSeries } from '../harness/resources.ts';
import type { RunResults } from '../harness/results.ts';
import type { SystemResult } from '../harness/run.ts';
import { type OpSeries, opSeries, type SeriesOptions } from './series.ts';

/**
 * Everything the report's charts draw, as plain data: built from
 * results.json and the histories, embedded in report.html as JSON, drawn by
 * reports/client/charts.js. Tested on fixed results and histories.
 */

export interface FaultBand {
  fault: string;
  nodes: string[];
  start: number;
  end: number;
}

export interface SystemCharts {
  /** The section's anchor. */
  id: string;
  title: string;
  durationS: number;
  faults: FaultBand[];
  /** From the history; null when the history or the run phase's bounds are missing. */
  series: OpSeries | null;
  /** Per second from results.json (older runs have only this). */
  timeline: { t: number[]; ok: number[]; fail: number[]; info: number[] };
  /** One bar pair per partition: the share of ops ok on sides without and with the quorum. */
  availability: { label: string; noQuorum: number | null; quorum: number | null; ops: number }[];
  /** PBS t-visibility, where staleness was measured. */
  tVisibility: { upToMs: number | null; reads: number; pConsistent: number }[] | null;
  /** CPU, memory, disk and network per node, where sampled. */
  resources: ResourceSeries | null;
  /** The system's own counters per node (hints, repairs), where it reports them. */
  internals: InternalsSeries | null;
}

export interface SideBySide {
  /** "system · workload · configuration" */
  label: string;
  system: string;
  configuration: string;
  throughput: number;
  p99: number | null;
  lost: number;
  acknowledged: number;
  /** ok share on sides without / with the quorum during partitions, null without a partition. */
  noQuorum: number | null;
  quorum: number | null;
  /** Anomalies of any checker (lost writes, stale reads, linearizability, transactions). */
  anomalies: number;
}

export interface ReportData {
  systems: SystemCharts[];
  sideBySide: SideBySide[];
  /** Systems that ran in more than one configuration (a list-valued flag): their points. */
  sweeps: { system: string; points: SideBySide[] }[];
}

/** The id of a system's section: a system runs once per workload and configuration. */
export function sectionId(s: Pick<SystemResult, 'system' | 'workload' | 'configuration'>): string {
  return `${s.system}-${s.workload}-${s.configuration}`.replace(/[^A-Za-z0-9_-]+/g, '_');
}

/**
 * The charts' data of a run; `runDir` is where its histories are (none:
 * the charts from results.json alone).
 */
export function reportData(
  run: RunResults,
  runDir?: string,
  options: SeriesOptions = {},
): ReportData {
  const ran = run.systems.filter((s) => s.status !== 'not-applicable');
  const systems = ran.map((s) => systemCharts(s, runDir, options));
  const sideBySide = ran.map(sideBySideOf);
  const byName = new Map<string, SideBySide[]>();
  for (const point of sideBySide) {
    byName.set(point.system, [...(byName.get(point.system) ?? []), point]);
  }
  const sweeps = [...byName]
    .filter(([, points]) => new Set(points.map((p) => p.configuration)).size > 1)
    .map(([system, points]) => ({ system, points }));
  return { systems, sideBySide, sweeps };
}

function systemCharts(s: SystemResult, runDir: string | undefined, options: SeriesOptions) {
  const durationS = s.metrics?.durationS ?? 0;
  const faults = s.faults.map((f) => ({
    fault: f.fault,
    nodes: f.nodes,
    start: f.start,
    end: f.end ?? durationS,
  }));
  const file = runDir && s.history ? join(runDir, s.history) : undefined;
  const series =
    file && s.runPhase && existsSync(file)
      ? opSeries(OpTable.read(file), s.runPhase, options)
      : null;
  const timeline = s.metrics?.timeline ?? [];
  const availability = resultOf(s.checkers, 'availability');
  const staleness = resultOf(s.checkers, 'staleness');
  const charts: SystemCharts = {
    id: sectionId(s),
    title: `${s.system} · ${s.workload} · ${s.configuration}`,
    durationS,
    faults,
    series,
    timeline: {
      t: timeline.map((p) => p.t),
      ok: timeline.map((p) => p.ok),
      fail: timeline.map((p) => p.fail),
      info: timeline.map((p) => p.info),
    },
    availability: (availability?.byPartition ?? []).map((p) => ({
      label: `${p.fault} at ${(p.start / 1e9 - (s.runPhase?.startNs ?? 0) / 1e9).toFixed(0)} s`,
      noQuorum: fraction(p.noQuorumSide),
      quorum: fraction(p.quorumSide),
      ops: p.noQuorumSide.total + p.quorumSide.total,
    })),
    tVisibility: staleness?.tVisibility.length
      ? staleness.tVisibility.map(({ upToMs, reads, pConsistent }) => ({
          upToMs,
          reads,
          pConsistent,
        }))
      : null,
    resources: s.resources ?? null,
    internals: s.internals ?? null,
  };
  return charts;
}

function sideBySideOf(s: SystemResult): SideBySide {
  const c = s.checkers;
  const lost = resultOf(c, 'lost-writes');
  const set = resultOf(c, 'set');
  const availability = resultOf(c, 'availability');
  const staleness = resultOf(c, 'staleness');
  const linearizable = resultOf(c, 'linearizable');
  const list = resultOf(c, 'list-append');
  const bank = resultOf(c, 'bank');
  const p99s = Object.values(s.metrics?.byF ?? {}).flatMap((phases) =>
    phases.all.latencyMs ? [phases.all.latencyMs.p99] : [],
  );
  const lostCount = (lost?.lost ?? 0) + (set?.lost ?? 0);
  return {
    label: `${s.system} · ${s.workload} · ${s.configuration}`,
    system: s.system,
    configuration: s.configuration,
    throughput: s.metrics?.throughput ?? 0,
    p99: p99s.length ? Math.max(...p99s) : null,
    lost: lostCount,
    acknowledged: (lost?.acknowledged ?? 0) + (set?.acknowledged ?? 0),
    noQuorum: availability?.partitions ? fraction(availability.noQuorumSide) : null,
    quorum: availability?.partitions ? fraction(availability.quorumSide) : null,
    anomalies:
      lostCount +
      (staleness?.staleReadsHealthy ?? 0) +
      (set?.staleReadsHealthy ?? 0) +
      (linearizable?.nonLinearizableKeys ?? 0) +
      (list?.anomalyTypes.length ?? 0) +
      (bank ? bank.wrongTotalReads + bank.negativeReads : 0),
  };
}

function fraction(s: Share): number | null {
  return s.total ? Math.round((s.ok / s.total) * 10_000) / 10_000 : null;
}
