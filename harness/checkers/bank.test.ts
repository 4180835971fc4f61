import { describe, expect, it } from 'vitest';
import { history } from '../../test/histories.ts';
import { checkBank } from './bank.ts';
import { checkCounter } from './counter.ts';

const read = (process: number, value: unknown) => [
  { process, type: 'invoke' as const, f: 'read', value: null },
  { process, type: 'ok' as const, f: 'read', value },
];
const transfer = (process: number, type: 'ok' | 'fail' | 'info') => [
  { process, type: 'invoke' as const, f: 'transfer', value: { from: 'a', to: 'b', amount: 5 } },
  { process, type, f: 'transfer', value: { from: 'a', to: 'b', amount: 5 } },
];

describe('bank checker', () => {
  it('reads that keep the total and no negative balance: valid', () => {
    const result = checkBank(
      history(...read(0, { a: 10, b: 10 }), ...transfer(1, 'ok'), ...read(0, { a: 5, b: 15 })),
    );
    expect(result).toMatchObject({ valid: true, total: 20, reads: 2 });
  });

  it('a read whose total differs (a half-applied transfer) is an anomaly, with the read', () => {
    const result = checkBank(
      history(...read(0, { a: 10, b: 10 }), ...transfer(1, 'info'), ...read(0, { a: 5, b: 10 })),
      { total: 20 },
    );
    expect(result).toMatchObject({ valid: false, wrongTotalReads: 1 });
    expect((result.examples as { wrongTotal: { total: number }[] }).wrongTotal[0]!.total).toBe(15);
  });

  it('a negative balance is an anomaly even when the total holds', () => {
    const result = checkBank(history(...read(0, { a: -5, b: 25 })), { total: 20 });
    expect(result).toMatchObject({ valid: false, negativeReads: 1, wrongTotalReads: 0 });
  });
});

describe('counter checker', () => {
  const add = (process: number, delta: number, type: 'ok' | 'fail' | 'info') => [
    { process, type: 'invoke' as const, f: 'add', value: delta },
    { process, type, f: 'add', value: delta },
  ];

  it('reads within the bounds the adds allow: valid', () => {
    const result = checkCounter(
      history(...add(0, 2, 'ok'), ...read(1, 2), ...add(0, 3, 'info'), ...read(1, 5)),
    );
    expect(result).toMatchObject({ valid: true, reads: 2 });
  });

  it('a read below the acknowledged adds (a lost increment) or above all adds is out of bounds', () => {
    const low = checkCounter(history(...add(0, 2, 'ok'), ...add(0, 3, 'ok'), ...read(1, 2)));
    expect(low).toMatchObject({ valid: false, outOfBounds: 1 });
    expect((low.examples as { expected: number[] }[])[0]!.expected).toEqual([5, 5]);
    const high = checkCounter(history(...add(0, 2, 'fail'), ...read(1, 2)));
    expect(high).toMatchObject({ valid: false, outOfBounds: 1 });
  });
});
