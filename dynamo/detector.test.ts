import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PhiAccrualDetector } from './detector.ts';

const detector = (threshold = 8) => new PhiAccrualDetector({ threshold, expectedIntervalMs: 100 });

/** Heartbeats every `every` ms from `from`, `count` of them; gives the last arrival time. */
function beat(d: PhiAccrualDetector, peer: string, from: number, every: number, count: number) {
  let t = from;
  for (let i = 0; i < count; i++, t += every) d.heartbeat(peer, t);
  return t - every;
}

describe('phi accrual failure detector', () => {
  it('keeps a peer that beats regularly up, and convicts it once its silence passes threshold / log10(e) mean intervals', () => {
    const d = detector(8);
    const last = beat(d, 'n2', 0, 100, 50);
    expect(d.isUp('n2', last + 100)).toBe(true);
    expect(d.meanIntervalMs('n2')).toBe(100);
    const conviction = PhiAccrualDetector.convictionMs(8, 100);
    expect(conviction).toBeCloseTo(1842, 0);
    expect(d.isUp('n2', last + conviction - 10)).toBe(true);
    expect(d.isUp('n2', last + conviction + 10)).toBe(false);
  });

  it('a peer back from a long silence is up at its next heartbeat, and the silence does not teach it to wait longer', () => {
    const d = detector(8);
    const last = beat(d, 'n2', 0, 100, 20);
    expect(d.isUp('n2', last + 30_000)).toBe(false);
    d.heartbeat('n2', last + 30_000);
    expect(d.isUp('n2', last + 30_000)).toBe(true);
    expect(d.meanIntervalMs('n2')).toBe(100);
  });

  it('has nothing to suspect of a peer never heard of', () => {
    expect(detector().phi('n9', 1e9)).toBe(0);
  });

  it('phi only grows with silence, and a lower threshold convicts no later than a higher one', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 1000 }), { minLength: 1, maxLength: 50 }),
        fc.integer({ min: 0, max: 100_000 }),
        fc.integer({ min: 0, max: 100_000 }),
        (intervals, a, b) => {
          const low = detector(4);
          const high = detector(12);
          let t = 0;
          for (const i of intervals) {
            t += i;
            low.heartbeat('p', t);
            high.heartbeat('p', t);
          }
          const [early, late] = a < b ? [a, b] : [b, a];
          expect(high.phi('p', t + late)).toBeGreaterThanOrEqual(high.phi('p', t + early));
          if (!high.isUp('p', t + early)) expect(low.isUp('p', t + early)).toBe(false);
        },
      ),
    );
  });
});
