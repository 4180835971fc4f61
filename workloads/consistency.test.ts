import { describe, expect, it } from 'vitest';
import { seededRng } from '../core/rng.ts';
import { BankWorkload } from './bank.ts';
import { CounterWorkload } from './counter.ts';
import { ListAppendWorkload } from './list-append.ts';
import { RegisterWorkload } from './register.ts';
import { StalenessWorkload } from './staleness.ts';

const draw = <T>(next: (rng: () => number) => T, n: number, seed = 1) => {
  const rng = seededRng(seed);
  return Array.from({ length: n }, () => next(rng));
};

describe('consistency workload generators', () => {
  it('list-append: unique values per key, each key retired after 32 appends', () => {
    const w = new ListAppendWorkload();
    const appends = new Map<string, unknown[]>();
    for (const op of draw((rng) => w.next(rng), 2000)) {
      expect(op.f).toBe('txn');
      const micro = op.value as [string, string, unknown][];
      expect(micro.length).toBeGreaterThanOrEqual(1);
      expect(micro.length).toBeLessThanOrEqual(4);
      for (const [f, key, value] of micro) {
        if (f === 'r') expect(value).toBeNull();
        else appends.set(key, [...(appends.get(key) ?? []), value]);
      }
    }
    for (const values of appends.values()) {
      expect(new Set(values).size).toBe(values.length);
      expect(values.length).toBeLessThanOrEqual(32);
    }
    expect(appends.size).toBeGreaterThan(5);
  });

  it('bank: transfers between two different accounts, amounts 1-5; the load sets 5 accounts of 10', () => {
    const w = new BankWorkload();
    expect(w.load().reduce((sum, op) => sum + (op.value as number), 0)).toBe(50);
    expect(w.checkerOptions.bank.total).toBe(50);
    for (const op of draw((rng) => w.next(rng), 1000)) {
      if (op.f === 'read') continue;
      const { from, to, amount } = op.value as { from: string; to: string; amount: number };
      expect(from).not.toBe(to);
      expect(amount).toBeGreaterThanOrEqual(1);
      expect(amount).toBeLessThanOrEqual(5);
    }
  });

  it('register: cas only where the system has it; values unique', () => {
    const plain = new RegisterWorkload({ keys: 0, seed: 1, capabilities: ['kv'] });
    const withCas = new RegisterWorkload({ keys: 0, seed: 1, capabilities: ['kv', 'cas'] });
    expect(draw((rng) => plain.next(rng), 500).some((op) => op.f === 'cas')).toBe(false);
    const ops = draw((rng) => withCas.next(rng), 500);
    expect(ops.some((op) => op.f === 'cas')).toBe(true);
    const written = ops
      .filter((op) => op.f !== 'read')
      .map((op) => (op.f === 'cas' ? (op.value as unknown[])[1] : op.value));
    expect(new Set(written).size).toBe(written.length);
  });

  it('counter and staleness: the ops of their conventions', () => {
    const counter = new CounterWorkload();
    for (const op of draw((rng) => counter.next(rng), 200)) expect(['add', 'read']).toContain(op.f);
    const staleness = new StalenessWorkload({
      keys: 0,
      seed: 1,
      capabilities: ['kv', 'replica-read'],
    });
    const ops = draw((rng) => staleness.next(rng), 1000);
    expect(ops.filter((op) => op.replica).length).toBeGreaterThan(150);
    expect(ops.filter((op) => op.f === 'write').length).toBeGreaterThan(100);
  });
});
