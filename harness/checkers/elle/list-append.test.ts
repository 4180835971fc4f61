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

  it('G-single: read skew, one anti-dependency, whether or not a read saw the append it missed', () => {
    const skew = [
      txn(0, [
        ['append', 'x', 1],
        ['append', 'y', 1],
      ]),
      txn(1, [
        ['r', 'x', []],
        ['r', 'y', [1]],
      ]),
    ];
    expect(types(check(...skew, txn(2, [['r', 'x', [1]]])))).toEqual(['G-single']);
    // Nobody read x's append: its order is [1], and T1's empty read anti-depends on it.
    const unread = check(...skew);
    expect(types(unread)).toEqual(['G-single']);
    expect(unread.keys).toBe(2);
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

  it('G-nonadjacent: two anti-dependencies, never one after the other, rule out snapshot isolation', () => {
    // T0 -wr-> T1 -rw-> T2 -wr-> T3 -rw-> T0: each reader saw one append and missed the other.
    const result = check(
      txn(0, [['append', 'x', 1]]),
      txn(1, [
        ['r', 'x', [1]],
        ['r', 'y', []],
      ]),
      txn(2, [['append', 'y', 1]]),
      txn(3, [
        ['r', 'y', [1]],
        ['r', 'x', []],
      ]),
    );
    expect(types(result)).toEqual(['G-nonadjacent']);
    const cycle = (result.anomalies as Record<string, { examples: { cycle: string }[] }>)[
      'G-nonadjacent'
    ]!.examples[0]!;
    expect(cycle.cycle.match(/-(\w+)\(/g)!.sort()).toEqual(['-rw(', '-rw(', '-wr(', '-wr(']);
    expect(result.models).toMatchObject({
      ruledOut: ['repeatable-read', 'snapshot-isolation', 'serializable'],
      strongest: ['read-committed'],
    });
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
    // The reader also sits between the writer's two appends: a G-single cycle.
    expect(types(g1b)).toEqual(['G1b', 'G-single']);
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

  it('write skew with nobody reading the writes: unobserved appends follow the longest read (G2-item)', () => {
    const result = check(
      txn(0, [
        ['append', 'x', 1],
        ['r', 'y', []],
      ]),
      txn(1, [
        ['append', 'y', 1],
        ['r', 'x', []],
      ]),
    );
    expect(types(result)).toEqual(['G2-item']);
  });

  it('lost update: two transactions read the same version and both append', () => {
    const result = check(
      txn(0, [
        ['r', 'x', []],
        ['append', 'x', 1],
      ]),
      txn(1, [
        ['r', 'x', []],
        ['append', 'x', 2],
      ]),
    );
    expect(types(result)).toEqual(['G2-item', 'lost-update']);
  });

  it('a duplicate in a read is reported and dropped: it makes no false ww cycle (G0)', () => {
    const result = check(
      txn(0, [['append', 'x', 1]]),
      txn(1, [['append', 'x', 2]]),
      txn(2, [['r', 'x', [1, 2, 1]]]),
    );
    expect(types(result)).toEqual(['duplicate-elements']);
  });

  it("the internal check reads the full list: another txn's element before its own appends is kept", () => {
    const valid = check(
      txn(0, [['append', 'x', 1]]),
      txn(1, [
        ['append', 'x', 2],
        ['r', 'x', [1, 2]],
      ]),
      txn(2, [['r', 'x', [1]]]),
    );
    expect(valid.valid).toBe(true);
    const wrong = check(
      txn(0, [['append', 'x', 1]]),
      txn(1, [
        ['append', 'x', 2],
        ['r', 'x', [2, 1]],
      ]),
    );
    expect(types(wrong)).toContain('internal');
  });

  it('the same transactions are serializable, yet not strictly: a read that began after an append completed missed it', () => {
    // T0 appends and completes; T1 begins after that (real time) and reads x empty.
    const steps = history(...txn(0, [['append', 'x', 1]]), ...txn(1, [['r', 'x', []]]));
    expect(checkListAppend(steps).valid).toBe(true);
    const strict = checkListAppend(steps, { model: 'strict-serializable' });
    expect(types(strict)).toEqual(['G-single-realtime']);
    expect(strict.models).toMatchObject({ ruledOut: ['strict-serializable'] });
    const cycle = (strict.anomalies as Record<string, { examples: { explanation: string[] }[] }>)[
      'G-single-realtime'
    ]!.examples[0]!;
    expect(cycle.explanation).toContain('T1 completed before T3 began');
    // Different processes: the session order alone says nothing.
    expect(checkListAppend(steps, { model: 'strong-session-serializable' }).valid).toBe(true);
  });

  it('a process that does not see its own earlier append breaks strong session serializability', () => {
    const steps = history(...txn(0, [['append', 'x', 1]]), ...txn(0, [['r', 'x', []]]));
    expect(checkListAppend(steps).valid).toBe(true);
    expect(types(checkListAppend(steps, { model: 'strong-session-serializable' }))).toEqual([
      'G-single-process',
    ]);
  });

  it('an unknown model is refused with the valid ones', () => {
    expect(() => checkListAppend([], { model: 'linearizable' })).toThrow(
      'unknown consistency model "linearizable"; valid: serializable, strong-session-serializable, strict-serializable',
    );
  });

  it('a later read holding what another txn committed meanwhile is a fuzzy read, not an internal one: its cycle rules out repeatable read', () => {
    const result = check(
      txn(0, [
        ['r', 'x', []],
        ['append', 'x', 2],
        ['r', 'x', [1, 2]],
      ]),
      txn(1, [['append', 'x', 1]]),
    );
    expect(types(result)).toEqual(['G-single']);
    expect(result.models).toMatchObject({ strongest: ['read-committed'] });
  });
});
