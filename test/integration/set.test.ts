import { describe, expect, it } from 'vitest';
import { rootFaultBlocker } from '../../chaos/support.ts';
import { resultOf } from '../../harness/checkers/index.ts';
import { skipUnless } from '../engines.ts';
import { compareDynamo } from '../runs.ts';

const skip = skipUnless('set workload under partitions', rootFaultBlocker('iptables'));

async function setRun(quorum: { r: string; w: string }, nemesis: string) {
  const { results } = await compareDynamo({
    workload: 'set',
    duration: '7',
    nemesis,
    nemesisInterval: '1.5',
    nemesisDuration: '4',
    seed: '8',
    ...quorum,
  });
  return resultOf(results.systems[0]!.checkers, 'set')!;
}

describe.skipIf(skip)('set workload on the built-in store', () => {
  it('R=W=1 under a partition: reads go stale, yet no acknowledged add is lost', async () => {
    const result = await setRun({ r: '1', w: '1' }, 'partition-halves');
    expect(result).toMatchObject({ valid: true, lost: 0, unexpected: 0 });
    expect(result.staleReads).toBeGreaterThan(0);
  }, 60_000);

  it('R=W=2 without faults: no stale read, nothing lost', async () => {
    const result = await setRun({ r: '2', w: '2' }, 'none');
    expect(result).toMatchObject({ valid: true, lost: 0, staleReads: 0 });
    expect(result.acknowledged).toBeGreaterThan(500);
  }, 60_000);
});

describe('conflict handling on the built-in store', () => {
  it('last-write-wins loses concurrent adds that siblings keep', async () => {
    const { results } = await compareDynamo({
      workload: 'set',
      duration: '6',
      nemesis: 'none',
      seed: '9',
      conflicts: 'lww,siblings',
    });
    const [lww, siblings] = results.systems.map((s) => resultOf(s.checkers, 'set')!);
    console.info(
      `set adds lost: lww ${lww!.lost} of ${lww!.acknowledged}, siblings ${siblings!.lost} of ${siblings!.acknowledged}`,
    );
    // Two workers add to the same set from the same read: one union survives.
    expect(lww!.lost).toBeGreaterThan(0);
    expect(siblings).toMatchObject({ valid: true, lost: 0 });
    expect(siblings!.acknowledged).toBeGreaterThan(500);
    expect(results.matrix.map((row) => row.observed.conflicts.value)).toEqual([
      expect.stringMatching(/^silently resolved/),
      expect.stringMatching(/^exposed/),
    ]);
  }, 60_000);
});
