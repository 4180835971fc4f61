import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { linearizableRegisterHistory, serialListAppendHistory } from '../../bench/histories.ts';
import type { Op } from '../../core/history.ts';
import { checkBank } from './bank.ts';
import { checkCounter } from './counter.ts';
import { checkListAppend } from './elle/list-append.ts';
import { checkLinearizable } from './linearizable/index.ts';
import { checkSet } from './set.ts';

/**
 * Property tests: histories generated from a correct execution are always
 * valid, and one injected anomaly is always found, whatever the history
 * around it.
 */

type Step = { process: number; f: string; key?: string; invoke: unknown; result: unknown };

/** A sequential history (each op completes before the next begins) from steps. */
function sequential(steps: Step[]): Op[] {
  return steps.flatMap((s, i) => {
    const base = { process: s.process, f: s.f, ...(s.key ? { key: s.key } : {}) };
    return [
      { ...base, index: 2 * i, time: 10 * i, type: 'invoke' as const, value: s.invoke },
      { ...base, index: 2 * i + 1, time: 10 * i + 5, type: 'ok' as const, value: s.result },
    ];
  });
}

const runs = { numRuns: 150 };

describe('linearizable (properties)', () => {
  it('concurrent histories of a correct register are linearizable', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 30 }),
        fc.integer({ min: 20, max: 300 }),
        (seed, ops) => {
          const history = linearizableRegisterHistory({
            ops,
            processes: 5,
            keys: 3,
            infoRate: 0.02,
            seed,
          });
          expect(checkLinearizable(history).valid).toBe(true);
        },
      ),
      runs,
    );
  });

  it('a read that returns an older value than the last completed write is always found', () => {
    fc.assert(
      fc.property(
        fc.array(fc.boolean(), { minLength: 3, maxLength: 60 }),
        fc.nat(),
        (isWrite, pick) => {
          let value: number | null = null;
          let next = 1;
          const steps: Step[] = isWrite.map((w, i) => {
            if (w) {
              value = next++;
              return { process: i % 4, f: 'write', key: 'x', invoke: value, result: value };
            }
            return { process: i % 4, f: 'read', key: 'x', invoke: null, result: value };
          });
          expect(checkLinearizable(sequential(steps)).valid).toBe(true);
          // Reads after at least two writes can be made stale: return the first write's value.
          const candidates = steps.flatMap((s, i) =>
            s.f === 'read' && typeof s.result === 'number' && s.result > 1 ? [i] : [],
          );
          fc.pre(candidates.length > 0);
          const victim = candidates[pick % candidates.length]!;
          steps[victim] = { ...steps[victim]!, result: 1 };
          expect(checkLinearizable(sequential(steps)).valid).toBe(false);
        },
      ),
      runs,
    );
  });
});

describe('set (properties)', () => {
  it('sequential adds and reads are valid; dropping an acknowledged element from the final read is a loss', () => {
    fc.assert(
      fc.property(
        fc.array(fc.boolean(), { minLength: 1, maxLength: 80 }),
        fc.nat(),
        (isAdd, pick) => {
          const elements: number[] = [];
          const steps: Step[] = isAdd.map((add, i) => {
            if (add) {
              elements.push(i + 1);
              return { process: i % 3, f: 'add', key: 's', invoke: i + 1, result: i + 1 };
            }
            return { process: i % 3, f: 'read', key: 's', invoke: null, result: [...elements] };
          });
          fc.pre(elements.length > 0);
          const finalRead = (list: number[]) =>
            [
              {
                index: 9998,
                time: 1e9,
                process: 9,
                type: 'invoke',
                f: 'read',
                key: 's',
                value: null,
                final: 'cluster',
              },
              {
                index: 9999,
                time: 1e9 + 1,
                process: 9,
                type: 'ok',
                f: 'read',
                key: 's',
                value: list,
                final: 'cluster',
              },
            ] as Op[];
          const history = sequential(steps);
          expect(checkSet([...history, ...finalRead(elements)])).toMatchObject({
            valid: true,
            staleReads: 0,
          });
          const dropped = elements.filter((_, i) => i !== pick % elements.length);
          expect(checkSet([...history, ...finalRead(dropped)])).toMatchObject({
            valid: false,
            lost: 1,
          });
        },
      ),
      runs,
    );
  });
});

describe('bank (properties)', () => {
  it('sequential transfers keep the total; one read off by one is found', () => {
    const accounts = ['a', 'b', 'c'];
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(2), fc.nat(2), fc.integer({ min: 1, max: 5 }), fc.boolean()), {
          minLength: 1,
          maxLength: 60,
        }),
        fc.nat(),
        (moves, pick) => {
          const balances: Record<string, number> = { a: 10, b: 10, c: 10 };
          const steps: Step[] = moves.map(([from, to, amount, read], i) => {
            if (read) return { process: i % 3, f: 'read', invoke: null, result: { ...balances } };
            const [f, t] = [accounts[from]!, accounts[to]!];
            if (f !== t && balances[f]! >= amount) {
              balances[f]! -= amount;
              balances[t]! += amount;
            }
            return {
              process: i % 3,
              f: 'transfer',
              invoke: { from: f, to: t, amount },
              result: { from: f, to: t, amount },
            };
          });
          const reads = steps.flatMap((s, i) => (s.f === 'read' ? [i] : []));
          fc.pre(reads.length > 0);
          expect(checkBank(sequential(steps), { total: 30 }).valid).toBe(true);
          const victim = reads[pick % reads.length]!;
          const changed = { ...(steps[victim]!.result as Record<string, number>) };
          changed.a! += 1;
          steps[victim] = { ...steps[victim]!, result: changed };
          expect(checkBank(sequential(steps), { total: 30 })).toMatchObject({
            valid: false,
            wrongTotalReads: 1,
          });
        },
      ),
      runs,
    );
  });
});

describe('counter (properties)', () => {
  it('sequential increments and reads are valid; a read one above the sum is found', () => {
    fc.assert(
      fc.property(
        fc.array(fc.option(fc.integer({ min: 1, max: 5 })), { minLength: 1, maxLength: 60 }),
        fc.nat(),
        (ops, pick) => {
          let sum = 0;
          const steps: Step[] = ops.map((delta, i) => {
            if (delta === null) return { process: i % 3, f: 'read', invoke: null, result: sum };
            sum += delta;
            return { process: i % 3, f: 'add', invoke: delta, result: delta };
          });
          const reads = steps.flatMap((s, i) => (s.f === 'read' ? [i] : []));
          fc.pre(reads.length > 0);
          expect(checkCounter(sequential(steps)).valid).toBe(true);
          const victim = reads[pick % reads.length]!;
          steps[victim] = { ...steps[victim]!, result: (steps[victim]!.result as number) + 1 };
          expect(checkCounter(sequential(steps))).toMatchObject({ valid: false, outOfBounds: 1 });
        },
      ),
      runs,
    );
  });
});

/** Transactions on fresh keys that make exactly one anomaly of each class. */
const GADGETS: Record<string, unknown[][][]> = {
  G0: [
    [
      ['append', 'gx', 1],
      ['append', 'gy', 1],
    ],
    [
      ['append', 'gx', 2],
      ['append', 'gy', 2],
    ],
    [
      ['r', 'gx', [1, 2]],
      ['r', 'gy', [2, 1]],
    ],
  ],
  G1c: [
    [
      ['append', 'gx', 1],
      ['r', 'gy', [1]],
    ],
    [
      ['append', 'gy', 1],
      ['r', 'gx', [1]],
    ],
  ],
  'G-single': [
    [
      ['append', 'gx', 1],
      ['append', 'gy', 1],
    ],
    [
      ['r', 'gx', []],
      ['r', 'gy', [1]],
    ],
    [['r', 'gx', [1]]],
  ],
  'G2-item': [
    [
      ['r', 'gx', []],
      ['append', 'gy', 1],
    ],
    [
      ['r', 'gy', []],
      ['append', 'gx', 1],
    ],
    [
      ['r', 'gx', [1]],
      ['r', 'gy', [1]],
    ],
  ],
  G1b: [
    [
      ['append', 'gx', 1],
      ['append', 'gx', 2],
    ],
    [['r', 'gx', [1]]],
  ],
  internal: [
    [
      ['append', 'gx', 1],
      ['r', 'gx', []],
    ],
  ],
  'duplicate-elements': [[['append', 'gx', 1]], [['r', 'gx', [1, 1]]]],
};

describe('list-append (properties)', () => {
  it('serial histories are valid; one injected anomaly of any class is found in them', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 30 }),
        fc.integer({ min: 10, max: 400 }),
        fc.constantFrom(...Object.keys(GADGETS)),
        fc.nat(),
        (seed, txns, anomaly, at) => {
          const history = serialListAppendHistory({
            txns,
            processes: 5,
            activeKeys: 4,
            appendsPerKey: 8,
            seed,
          });
          expect(checkListAppend(history).valid).toBe(true);
          // A serial execution keeps every order: sessions and real time too.
          for (const model of ['strong-session-serializable', 'strict-serializable'])
            expect(checkListAppend(history, { model }).valid).toBe(true);
          const injected = GADGETS[anomaly]!.flatMap((ops, i): Op[] => [
            { index: 0, time: 0, process: 100 + i, type: 'invoke', f: 'txn', value: ops },
            { index: 0, time: 0, process: 100 + i, type: 'ok', f: 'txn', value: ops },
          ]);
          const cut = 2 * (at % (txns + 1));
          const mixed = [...history.slice(0, cut), ...injected, ...history.slice(cut)].map(
            (op, index) => ({ ...op, index, time: index }),
          );
          const result = checkListAppend(mixed);
          expect(result.valid).toBe(false);
          expect(result.anomalyTypes).toContain(anomaly);
        },
      ),
      runs,
    );
  });
});
