import { describe, expect, it } from 'vitest';
import { Metrics } from './metrics.ts';

describe('metrics timeline', () => {
  it('counts completions per second and leaves out a trailing partial second', () => {
    const m = new Metrics(0);
    m.record('read', 'healthy', 'ok', 1e6, 0.5e9);
    m.record('read', 'healthy', 'fail', 1e6, 1.2e9);
    m.record('read', 'fault', 'ok', 2e6, 2.1e9);
    const s = m.summary(2.3e9);
    expect(s.timeline).toEqual([
      { t: 0, ok: 1, fail: 0, info: 0 },
      { t: 1, ok: 0, fail: 1, info: 0 },
    ]);
    expect(s.byF.read!.all).toMatchObject({ ok: 2, fail: 1 });
    expect(s.byF.read!.fault.latencyMs!.p50).toBeCloseTo(2, 1);
  });
});
