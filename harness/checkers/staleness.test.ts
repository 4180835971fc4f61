import { describe, expect, it } from 'vitest';
import { history } from '../../test/histories.ts';
import { checkAvailability } from './availability.ts';
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
const nemesis = (f: string, time: number, value?: object): Step => ({
  process: 'nemesis',
  type: 'info',
  f,
  time,
  ...(value ? { value } : {}),
});

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

describe('availability', () => {
  it('splits ops during a partition by side: workers of minority nodes apart', () => {
    const result = checkAvailability(
      history(
        ...r(0, 1, 0, ms, 'n1'),
        nemesis('partition-isolate', 2 * ms, { nodes: ['n1'] }),
        { process: 0, type: 'invoke', f: 'read', key: 'p', value: null, time: 3 * ms, node: 'n1' },
        { process: 0, type: 'fail', f: 'read', key: 'p', time: 4 * ms, node: 'n1' },
        ...r(1, 1, 3 * ms, 4 * ms, 'n2'),
        nemesis('stop-partition', 5 * ms),
      ),
    );
    expect(result).toMatchObject({
      partitions: 1,
      healthy: { ok: 1, total: 1 },
      minority: { ok: 0, total: 1, fraction: 0 },
      majority: { ok: 1, total: 1, fraction: 1 },
    });
  });

  it('an op held through the partition and answered only after heal was not served during it', () => {
    const result = checkAvailability(
      history(
        nemesis('partition-isolate', 2 * ms, { nodes: ['n1'] }),
        // Sent to the isolated node during the partition, ok once it healed.
        ...w(0, 1, 3 * ms, 6 * ms, 'n1'),
        ...w(1, 2, 3 * ms, 4 * ms, 'n2'),
        nemesis('stop-partition', 5 * ms),
        ...w(2, 3, 7 * ms, 8 * ms, 'n1'),
      ),
    );
    expect(result).toMatchObject({
      minority: { ok: 0, total: 1 },
      majority: { ok: 1, total: 1 },
      fault: { ok: 1, total: 2 },
      healthy: { ok: 1, total: 1 },
    });
  });

  it('the partition ends for availability when its heal starts: an ok answered while rules were being removed was not served during it', () => {
    const healing: Step = { process: 'nemesis', type: 'invoke', f: 'stop-partition', time: 5 * ms };
    const result = checkAvailability(
      history(
        nemesis('partition-isolate', 2 * ms, { nodes: ['n1'] }),
        // In flight through the partition, answered after the heal began but
        // before the heal recorded its end (a slow machine).
        ...w(0, 1, 3 * ms, 5.5 * ms, 'n1'),
        ...w(1, 2, 3 * ms, 4 * ms, 'n2'),
        healing,
        // Invoked while the heal runs: neither partitioned nor healthy.
        ...w(2, 3, 5.2 * ms, 5.4 * ms, 'n1'),
        nemesis('stop-partition', 6 * ms),
      ),
    );
    expect(result).toMatchObject({
      minority: { ok: 0, total: 1 },
      majority: { ok: 1, total: 1 },
      fault: { ok: 1, total: 2 },
      healthy: { ok: 0, total: 0 },
    });
  });
});
