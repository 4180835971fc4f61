import { OBSERVED, type Observed, type Tone } from '../harness/matrix.ts';
import type { RunResults } from '../harness/results.ts';

/**
 * Runs side by side, the first as the reference: per system and
 * configuration, each observed verdict in every run (a tone that differs
 * from the reference's is a change), and per system, workload and
 * configuration the throughput and p99 with their change against the
 * reference. Pure: tested on fixed results.
 */
export interface Comparison {
  runs: { id: string; workload: string; faults: string; seed: number; startedAt: string }[];
  verdicts: {
    key: string;
    cells: Record<Observed, ({ value: string; tone: Tone } | null)[]>;
    /** Cells whose tone is not the reference run's in some run. */
    changed: Observed[];
  }[];
  metrics: {
    key: string;
    throughput: (number | null)[];
    p99: (number | null)[];
    /** Relative to the reference run: 0.25 is 25% more. Null where either run lacks it. */
    throughputChange: (number | null)[];
    p99Change: (number | null)[];
  }[];
}

export function compareRuns(runs: readonly RunResults[]): Comparison {
  const verdictKeys = unique(runs.flatMap((r) => r.matrix.map((m) => rowKey(m))));
  const verdicts = verdictKeys.map((key) => {
    const rows = runs.map((r) => r.matrix.find((m) => rowKey(m) === key));
    const cells = Object.fromEntries(
      OBSERVED.map((cell) => [
        cell,
        rows.map((row) =>
          row ? { value: row.observed[cell].value, tone: row.observed[cell].tone } : null,
        ),
      ]),
    ) as Comparison['verdicts'][number]['cells'];
    const changed = OBSERVED.filter((cell) => {
      const [reference, ...others] = cells[cell];
      return others.some((c) => (c?.tone ?? null) !== (reference?.tone ?? null));
    });
    return { key, cells, changed };
  });
  const metricKeys = unique(
    runs.flatMap((r) => r.systems.filter((s) => s.metrics).map((s) => systemKey(s))),
  );
  const metrics = metricKeys.map((key) => {
    const results = runs.map((r) => r.systems.find((s) => s.metrics && systemKey(s) === key));
    const throughput = results.map((s) => s?.metrics?.throughput ?? null);
    const p99 = results.map((s) => {
      const all = Object.values(s?.metrics?.byF ?? {}).flatMap((p) =>
        p.all.latencyMs ? [p.all.latencyMs.p99] : [],
      );
      return all.length ? Math.max(...all) : null;
    });
    return {
      key,
      throughput,
      p99,
      throughputChange: throughput.map((t) => change(throughput[0] ?? null, t)),
      p99Change: p99.map((p) => change(p99[0] ?? null, p)),
    };
  });
  return {
    runs: runs.map((r) => ({
      id: r.id,
      workload: r.config.workload,
      faults: r.config.nemesis.join(', ') || 'none',
      seed: r.config.seed,
      startedAt: r.startedAt,
    })),
    verdicts,
    metrics,
  };
}

const rowKey = (m: { system: string; configuration: string }) => `${m.system} · ${m.configuration}`;
const systemKey = (s: { system: string; workload: string; configuration: string }) =>
  `${s.system} · ${s.workload} · ${s.configuration}`;

function change(reference: number | null, value: number | null): number | null {
  if (reference === null || value === null || reference === 0) return null;
  return Math.round(((value - reference) / reference) * 1000) / 1000;
}

function unique(keys: string[]): string[] {
  return [...new Set(keys)];
}
