import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EMPTY, has, isWithOp, type OpSet, withOp } from './op-set.ts';

describe('OpSet', () => {
  it('holds what was added, and equal sets are equal arrays whatever the order of adding', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.nat(300), { maxLength: 200 }), fc.nat(), (ids, seed) => {
        let set: OpSet = EMPTY;
        for (const id of ids) {
          const next = withOp(set, id);
          expect(isWithOp(next, set, id)).toBe(true);
          set = next;
        }
        for (let id = 0; id <= 300; id++) expect(has(set, id)).toBe(ids.includes(id));
        // The same ids in another order give the same array.
        const shuffled = [...ids].sort(
          (a, b) => ((a * 7919 + seed) % 257) - ((b * 7919 + seed) % 257),
        );
        let other: OpSet = EMPTY;
        for (const id of shuffled) other = withOp(other, id);
        expect([...other]).toEqual([...set]);
        // And a different set is told apart.
        const missing = [...Array(301).keys()].find((id) => !ids.includes(id));
        if (missing !== undefined && ids.length > 0)
          expect(isWithOp(set, withOp(EMPTY, missing), ids[0]!)).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps only the words past the full prefix', () => {
    let set: OpSet = EMPTY;
    for (let id = 0; id < 100; id++) set = withOp(set, id);
    expect([...set]).toEqual([3, 0xf]);
  });
});
