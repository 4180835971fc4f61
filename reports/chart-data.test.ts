import { describe, expect, it } from 'vitest';
import type { Op } from '../core/history.ts';
import { OpTable } from '../core/op-table.ts';
import { resultsFixture } from '../test/fixtures.ts';
import { reportData } from './chart-data.ts';
import { compareRuns } from './comparison.ts';
import { downsample, opSeries } from './series.ts';

const fixture = resultsFixture;

describe("the report's data on a fixed results.json", () => {
  it('per system: fault bands, the per-second timeline, t-visibility, and the side-by-side figures from the checkers', () => {
    const run = fixture();
    const [s] = run.systems;
    const data = reportData(run);
    const [charts] = data.systems;
    expect(charts!.series).toBeNull(); // no histories given: results.json alone
    expect(charts!.faults).toEqual(
      s!.faults.map((f) => ({
        fault: f.fault,
        nodes: f.nodes,
        start: f.start,
        end: f.end ?? s!.metrics!.durationS,
      })),
    );
    expect(charts!.timeline.t).toHaveLength(s!.metrics!.timeline.length);
    expect(charts!.timeline.ok.reduce((a, b) => a + b, 0)).toBe(
      s!.metrics!.timeline.reduce((a, p) => a + p.ok, 0),
    );
    const staleness = s!.checkers.staleness as { tVisibility: unknown[] };
    expect(charts!.tVisibility).toHaveLength(staleness.tVisibility.length);
    const lost = s!.checkers['lost-writes'] as { lost: number; acknowledged: number };
    expect(data.sideBySide[0]).toMatchObject({
      system: 'dynamo',
      throughput: s!.metrics!.throughput,
      lost: lost.lost,
      acknowledged: lost.acknowledged,
    });
    expect(data.sweeps).toEqual([]);
  });

  it('a system run in two configurations becomes a sweep of two points', () => {
    const run = fixture();
    run.systems.push({ ...run.systems[0]!, configuration: 'N=3 R=1 W=1, fsync always' });
    const data = reportData(run);
    expect(data.sweeps).toHaveLength(1);
    expect(data.sweeps[0]!.points.map((p) => p.configuration)).toEqual([
      'N=3 R=2 W=2, fsync always',
      'N=3 R=1 W=1, fsync always',
    ]);
  });

  it('comparing a run with itself changes nothing; a lost write in the second marks the cell changed', () => {
    const a = fixture();
    expect(compareRuns([a, a]).verdicts.every((v) => v.changed.length === 0)).toBe(true);
    const b = fixture();
    b.id = 'second';
    b.matrix[0]!.observed.lostWrites = { value: '3 of 4909 lost', tone: 'bad', evidence: [] };
    b.systems[0]!.metrics!.throughput = a.systems[0]!.metrics!.throughput * 1.5;
    const c = compareRuns([a, b]);
    expect(c.verdicts[0]!.changed).toEqual(['lostWrites']);
    expect(c.metrics[0]!.throughputChange[1]).toBeCloseTo(0.5, 5);
  });
});

describe('op series', () => {
  /** p0 writes every 10 ms for 3 s, each taking 1 ms but the last 500 ms; p1 fails one op at 1.5 s. */
  function history(): Op[] {
    const ops: Op[] = [];
    let index = 0;
    const ms = 1e6;
    for (let i = 0; i < 300; i++) {
      const start = i * 10 * ms;
      ops.push({
        index: index++,
        time: start,
        process: 0,
        type: 'invoke',
        f: 'write',
        key: 'k',
        value: i,
      });
      ops.push({
        index: index++,
        time: start + (i === 299 ? 500 : 1) * ms,
        process: 0,
        type: 'ok',
        f: 'write',
        key: 'k',
        value: i,
      });
    }
    ops.push({
      index: index++,
      time: 1500 * ms,
      process: 1,
      type: 'invoke',
      f: 'read',
      key: 'k',
      value: null,
    });
    ops.push({
      index: index++,
      time: 1502 * ms,
      process: 1,
      type: 'fail',
      f: 'read',
      key: 'k',
      value: null,
    });
    return ops.sort((a, b) => a.time - b.time).map((op, i) => ({ ...op, index: i }));
  }

  it('downsamples ok points keeping the slowest, keeps every failure, and gives per-second quantiles', () => {
    const series = opSeries(OpTable.of(history()), { startNs: 0, endNs: 3e9 }, { okPoints: 40 });
    const ok = series.scatter.find((s) => s.f === 'write' && s.type === 'ok')!;
    expect(ok.total).toBe(300);
    expect(ok.t.length).toBeLessThanOrEqual(40);
    expect(Math.max(...ok.latencyMs)).toBe(500); // the outlier survives the downsampling
    const failed = series.scatter.find((s) => s.type === 'fail')!;
    expect(failed).toMatchObject({ f: 'read', total: 1, t: [1.5], latencyMs: [2] });
    expect(series.seconds.t).toEqual([0, 1, 2]);
    expect(series.seconds.okByF.write).toEqual([100, 100, 100]);
    expect(series.seconds.p50).toEqual([1, 1, 1]);
    expect(series.seconds.max).toEqual([1, 1, 500]);
    expect(series.seconds.fail).toEqual([0, 1, 0]);
  });

  it('downsample keeps its limit and the slowest of each stretch', () => {
    const list = Array.from({ length: 1000 }, (_, i) => i);
    const latency = (p: number) => (p === 777 ? 99 : 1);
    const kept = downsample(list, 100, latency);
    expect(kept.length).toBeLessThanOrEqual(100);
    expect(kept).toContain(777);
    expect(kept).toEqual([...kept].sort((a, b) => a - b));
  });
});
