import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Op } from '../../core/history.ts';
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

  it('counts a read-modify-write as the write of its value, and quotes a stale read', () => {
    const rmw = (process: number, value: number, at: number, done: number): Step[] => [
      { process, type: 'invoke', f: 'rmw', key: 'p', value, time: at, node: 'n1' },
      { process, type: 'ok', f: 'rmw', key: 'p', value, time: done, node: 'n1' },
    ];
    const result = checkStaleness(
      history(
        ...w(0, 1, 0, ms),
        ...rmw(0, 2, 2 * ms, 3 * ms),
        ...r(1, 2, 4 * ms, 5 * ms),
        ...r(1, 1, 6 * ms, 7 * ms),
      ),
    );
    expect(result).toMatchObject({ reads: 2, staleReads: 1 });
    // The stale read (invoke at index 6) missed the rmw (invoke at index 2).
    expect(result.examples).toEqual([{ readIndex: 6, latestIndex: 2, missed: 1 }]);
  });

  it('agrees with the definition read literally, on random histories of one key', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            read: fc.boolean(),
            start: fc.nat(50),
            length: fc.integer({ min: 1, max: 10 }),
            outcome: fc.constantFrom('ok', 'ok', 'ok', 'fail', 'info'),
            pick: fc.nat(),
          }),
          { minLength: 1, maxLength: 40 },
        ),
        (specs) => {
          // One process per op, so ops overlap freely; values are unique.
          const events: (Step & { time: number })[] = [];
          const written: number[] = [];
          specs.forEach((s, i) => {
            const at = s.start * ms;
            const done = (s.start + s.length) * ms;
            if (s.read) {
              const value = written.length ? written[s.pick % written.length]! : null;
              events.push({
                process: i,
                type: 'invoke',
                f: 'read',
                key: 'p',
                value: null,
                time: at,
              });
              events.push({ process: i, type: 'ok', f: 'read', key: 'p', value, time: done });
            } else {
              written.push(i + 1);
              events.push({
                process: i,
                type: 'invoke',
                f: 'write',
                key: 'p',
                value: i + 1,
                time: at,
              });
              if (s.outcome !== 'info')
                events.push({
                  process: i,
                  type: s.outcome as 'ok' | 'fail',
                  f: 'write',
                  key: 'p',
                  value: i + 1,
                  time: done,
                });
            }
          });
          events.sort((a, b) => a.time - b.time);
          const ops = history(...events);
          const got = checkStaleness(ops);
          const want = literalStaleness(ops);
          expect({ reads: got.reads, stale: got.staleReads, k: got.kStaleness }).toEqual(want);
        },
      ),
      { numRuns: 300 },
    );
  });
});

/**
 * The definition, read literally and slowly: for each read, the writes
 * acknowledged before it began, the latest of them by acknowledgement; the
 * read is stale by the acknowledged writes that began after the newest
 * value it returned was acknowledged, unless a value it returned was still
 * unacknowledged when the latest began.
 */
function literalStaleness(ops: Op[]) {
  const writes: { value: unknown; invoked: number; acked: number }[] = [];
  const reads: { value: unknown; invoked: number }[] = [];
  for (const invoke of ops.filter((o) => o.type === 'invoke')) {
    const complete = ops.find((o) => o.index > invoke.index && o.process === invoke.process);
    if (invoke.f === 'write' && complete?.type !== 'fail')
      writes.push({
        value: invoke.value,
        invoked: invoke.time,
        acked: complete?.type === 'ok' ? complete.time : Number.POSITIVE_INFINITY,
      });
    if (invoke.f === 'read' && complete?.type === 'ok')
      reads.push({ value: complete.value, invoked: invoke.time });
  }
  const k: Record<string, number> = { '0': 0, '1': 0, '2': 0, '3+': 0 };
  let measured = 0;
  let stale = 0;
  for (const read of reads) {
    const before = writes.filter((w) => w.acked < read.invoked);
    if (before.length === 0) continue;
    measured++;
    const latest = before.reduce((a, b) => (b.acked >= a.acked ? b : a));
    const seen = writes.filter((w) => w.value === read.value);
    const fresh = seen.some((w) => w.acked >= latest.invoked);
    const newest = Math.max(Number.NEGATIVE_INFINITY, ...seen.map((w) => w.acked));
    const missed = fresh ? 0 : before.filter((w) => w.invoked > newest).length;
    k[missed >= 3 ? '3+' : String(missed)]!++;
    if (missed > 0) stale++;
  }
  return { reads: measured, stale, k };
}
