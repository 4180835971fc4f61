import { describe, expect, it } from 'vitest';
import { history } from '../../test/histories.ts';
import { checkStaleness } from './staleness.ts';

type Step = Parameters<typeof history>[number];
const w = (process: number, value: number, at: number, done: number, node = 'n1'): Step[] => [
  { process, type: 'invoke', f: 'write', key: 'p', value, time: at, node },
  { process, type: 'ok', f: 'write', key: 'p', value, time: done, node },
];
const r = (process: number, value: unknown, at: number, done: number, node = 'n1'): Step[] => [
  { process, type: 'invoke', f: 'read', key: 'p', value: null, time: at, node },
  { process, type: 'ok', f: 'read', key: 'p', value, time: done, node },
];
const ms = 1e6;

describe('staleness checker', () => {
  it('a read of the latest acknowledged write is consistent; one of an older value is stale by the versions missed', () => {
    const result = checkStaleness(
      history(
        ...w(0, 1, 0, ms),
        ...w(0, 2, 2 * ms, 3 * ms),
        ...w(0, 3, 4 * ms, 5 * ms),
        ...r(1, 3, 6 * ms, 7 * ms),
        ...r(1, 1, 8 * ms, 9 * ms),
      ),
    );
    expect(result).toMatchObject({
      reads: 2,
      staleReads: 1,
      kStaleness: { '0': 1, '1': 0, '2': 1 },
    });
    expect(result.tVisibility).toEqual([
      { upToMs: 1, reads: 1, consistent: 1, pConsistent: 1 },
      { upToMs: 5, reads: 1, consistent: 0, pConsistent: 0 },
    ]);
  });

  it('a value of a write concurrent with the latest is not stale', () => {
    const result = checkStaleness(
      history(...w(0, 1, 0, 5 * ms), ...w(1, 2, ms, 3 * ms), ...r(2, 2, 6 * ms, 7 * ms)),
    );
    expect(result).toMatchObject({ staleReads: 0 });
  });
});
