import { describe, expect, it } from 'vitest';
import { history } from '../../../test/histories.ts';
import { checkListAppend } from './list-append.ts';

type Micro = ['append', string, number] | ['r', string, number[] | null];

/** A transaction of process p: invoked with reads unknown, completed as given. */
function txn(process: number, ops: Micro[], type: 'ok' | 'fail' | 'info' = 'ok') {
  const invoked = ops.map((m) => (m[0] === 'r' ? ['r', m[1], null] : m));
  return [
    { process, type: 'invoke' as const, f: 'txn', value: invoked },
    { process, type, f: 'txn', value: type === 'ok' ? ops : invoked },
  ];
}

const check = (...txns: ReturnType<typeof txn>[]) => checkListAppend(history(...txns.flat()));
const types = (result: ReturnType<typeof checkListAppend>) => result.anomalyTypes;

describe('Elle list-append checker', () => {
  it('a serial history is valid', () => {
    const result = check(
      txn(0, [['append', 'x', 1]]),
      txn(1, [
        ['r', 'x', [1]],
        ['append', 'x', 2],
      ]),
      txn(2, [
        ['r', 'x', [1, 2]],
        ['r', 'y', null],
      ]),
    );
    expect(result).toMatchObject({ valid: true, txns: 3 });
  });

  it('G0: two transactions whose appends interleave in opposite orders on two keys', () => {
    const result = check(
      txn(0, [
        ['append', 'x', 1],
        ['append', 'y', 1],
      ]),
      txn(1, [
        ['append', 'x', 2],
        ['append', 'y', 2],
      ]),
      txn(2, [
        ['r', 'x', [1, 2]],
        ['r', 'y', [2, 1]],
      ]),
    );
    expect(types(result)).toEqual(['G0']);
    const g0 = (result.anomalies as Record<string, { examples: { cycle: string }[] }>).G0!;
    expect(g0.examples[0]!.cycle).toMatch(/^T\d+ -ww\((x|y)\)-> T\d+ -ww\((x|y)\)-> T\d+$/);
  });

  it("G1c: each transaction read the other one's append", () => {
    const result = check(
      txn(0, [
        ['append', 'x', 1],
        ['r', 'y', [1]],
      ]),
      txn(1, [
        ['append', 'y', 1],
        ['r', 'x', [1]],
      ]),
    );
    expect(types(result)).toEqual(['G1c']);
  });

  it('G-single: read skew, one anti-dependency', () => {
    const result = check(
      txn(0, [
        ['append', 'x', 1],
        ['append', 'y', 1],
      ]),
      txn(1, [
        ['r', 'x', []],
        ['r', 'y', [1]],
      ]),
      txn(2, [['r', 'x', [1]]]),
    );
    expect(types(result)).toEqual(['G-single']);
  });

  it('G2-item: write skew, two anti-dependencies', () => {
    const result = check(
      txn(0, [
        ['r', 'x', []],
        ['append', 'y', 1],
      ]),
      txn(1, [
        ['r', 'y', []],
        ['append', 'x', 1],
      ]),
      txn(2, [
        ['r', 'x', [1]],
        ['r', 'y', [1]],
      ]),
    );
    expect(types(result)).toEqual(['G2-item']);
  });

  it('G1a: a read of an aborted append; G1b: a read of an intermediate append', () => {
    expect(types(check(txn(0, [['append', 'x', 9]], 'fail'), txn(1, [['r', 'x', [9]]])))).toEqual([
      'G1a',
    ]);
    const g1b = check(
      txn(0, [
        ['append', 'x', 1],
        ['append', 'x', 2],
      ]),
      txn(1, [['r', 'x', [1]]]),
    );
    expect(types(g1b)).toEqual(['G1b']);
  });

  it('internal inconsistency, duplicate elements, incompatible orders', () => {
    expect(
      types(
        check(
          txn(0, [
            ['append', 'x', 1],
            ['r', 'x', []],
          ]),
        ),
      ),
    ).toEqual(['internal']);
    expect(types(check(txn(0, [['append', 'x', 1]]), txn(1, [['r', 'x', [1, 1]]])))).toContain(
      'duplicate-elements',
    );
    expect(
      types(
        check(
          txn(0, [['append', 'x', 1]]),
          txn(1, [['append', 'x', 2]]),
          txn(2, [['r', 'x', [1, 2]]]),
          txn(3, [['r', 'x', [2, 1]]]),
        ),
      ),
    ).toContain('incompatible-order');
  });

  it('an indefinite transaction may have happened: its observed append is no anomaly', () => {
    const result = check(txn(0, [['append', 'x', 1]], 'info'), txn(1, [['r', 'x', [1]]]));
    expect(result.valid).toBe(true);
  });
});
