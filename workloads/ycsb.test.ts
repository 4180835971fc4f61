import { describe, expect, it } from 'vitest';
import { seededRng } from '../core/rng.ts';
import { WORKLOADS } from './index.ts';
import { type KvWorkload, kvMix } from './ycsb.ts';
import { ScrambledZipfian, Zipfian } from './zipfian.ts';

const SAMPLES = 20_000;

describe('YCSB-style workloads', () => {
  for (const name of ['write-heavy', 'read-heavy', 'mixed', 'read-only', 'read-latest', 'rmw']) {
    it(`${name} draws its documented mix`, () => {
      const workload = WORKLOADS[name]!.create({ keys: 100, seed: 1 });
      const rng = seededRng(7);
      const counts: Record<string, number> = {};
      for (let i = 0; i < SAMPLES; i++) {
        const op = workload.next(rng);
        workload.done(op, { type: 'ok' });
        counts[op.f] = (counts[op.f] ?? 0) + 1;
      }
      const mix = kvMix(name)!;
      for (const [f, share] of Object.entries(mix)) {
        expect(Math.abs((counts[f] ?? 0) / SAMPLES - share)).toBeLessThan(0.015);
      }
    });
  }

  it('loads every record once and writes unique values', () => {
    const workload = WORKLOADS['write-heavy']!.create({ keys: 50, seed: 1 });
    const loads = workload.load();
    expect(new Set(loads.map((o) => o.key)).size).toBe(50);
    const rng = seededRng(3);
    const values = [...loads.map((o) => o.value)];
    for (let i = 0; i < 1000; i++) {
      const op = workload.next(rng);
      if (op.f !== 'read') values.push(op.value);
    }
    expect(new Set(values).size).toBe(values.length);
  });

  it('reads only keys whose insert has completed, and reports every written key', () => {
    const workload = WORKLOADS['read-latest']!.create({ keys: 10, seed: 1 }) as KvWorkload;
    const rng = seededRng(5);
    const pending = [];
    for (let i = 0; i < 2000; i++) {
      const op = workload.next(rng);
      if (op.f === 'insert') pending.push(op);
      else expect(Number(op.key!.slice(1))).toBeLessThan(10);
    }
    expect(workload.writtenKeys()).toHaveLength(10 + pending.length);
  });
});

describe('zipfian', () => {
  it('makes item 0 the most popular, as YCSB does', () => {
    const z = new Zipfian(1000);
    const rng = seededRng(11);
    const counts = new Array(1000).fill(0);
    for (let i = 0; i < SAMPLES; i++) counts[z.next(rng)]++;
    expect(counts[0]).toBe(Math.max(...counts));
    // With theta 0.99 over 1000 items the top item gets roughly 13%.
    expect(counts[0] / SAMPLES).toBeGreaterThan(0.1);
    expect(counts[0] / SAMPLES).toBeLessThan(0.17);
  });

  it('scrambles the popular items over the key space, within bounds as it grows', () => {
    const z = new ScrambledZipfian();
    const rng = seededRng(2);
    for (const items of [10, 100, 1000]) {
      for (let i = 0; i < 2000; i++) {
        const item = z.next(rng, items);
        expect(item).toBeGreaterThanOrEqual(0);
        expect(item).toBeLessThan(items);
      }
    }
  });
});
