import { describe, expect, it } from 'vitest';
import { rootFaultBlocker } from '../../chaos/support.ts';
import { skipUnless } from '../engines.ts';
import { compareDynamo } from '../runs.ts';

const skip = skipUnless('matrix under partitions', rootFaultBlocker('iptables'));

/** register, set, bank, list-append and staleness under partitions, as one run. */
async function matrixRow(quorum: Record<string, string>) {
  const { results } = await compareDynamo({
    workload: 'register,set,bank,list-append,staleness',
    duration: '6',
    nemesis: 'partition-isolate,partition-halves',
    nemesisInterval: '1',
    nemesisDuration: '3.5',
    seed: '21',
    ...quorum,
  });
  expect(results.matrix).toHaveLength(1);
  return results.matrix[0]!.observed;
}

describe.skipIf(skip)('the matrix row of the built-in store matches its configuration', () => {
  it('R=W=1: both sides serve, reads go stale, siblings are exposed, nothing lost: AP', async () => {
    const row = await matrixRow({ r: '1', w: '1' });
    // At R=W=1 every side holds a replica of every key: all are quorum sides.
    expect(row.noQuorumSide.value).toBe('none: every side held the quorum its ops needed');
    expect(row.quorumSide.value).toMatch(/^served/);
    expect(row.staleReads.value).toMatch(/during faults/);
    expect(row.staleReads.value).not.toMatch(/^0 while healthy, 0/);
    expect(row.conflicts.value).toMatch(/^exposed/);
    expect(row.lostWrites.value).toMatch(/^0 of \d+ lost$/);
    expect(row.transactions.value).toBe('n/a (no transactions)');
    expect(row.cap.value).toBe('AP');
  }, 120_000);

  it('R=W=2 (R+W>N, no sloppy quorum): the minority refuses, no stale read while healthy', async () => {
    const row = await matrixRow({ r: '2', w: '2', sloppyQuorum: 'off' });
    expect(row.noQuorumSide.value).toMatch(/^refused/);
    expect(row.quorumSide.value).toMatch(/^served/);
    expect(row.staleReads.value).toMatch(/^(none|0 while healthy)/);
    expect(row.linearizable.value).toMatch(/^no/);
    expect(row.cap.value).toBe('neither: refused without a quorum, not linearizable');
  }, 120_000);

  it('N=3 R=W=2 on 5 nodes with a sloppy quorum: both sides of a 2|3 cut take writes, reads go stale, nothing lost: AP', async () => {
    const row = await matrixRow({
      r: '2',
      w: '2',
      nodes: '5',
      sloppyQuorum: 'on',
      nemesis: 'partition-halves',
      duration: '10',
      nemesisDuration: '6',
    });
    // Each side has at least W nodes to stand in for a key's replicas.
    expect(row.noQuorumSide.value).toBe('none: every side held the quorum its ops needed');
    expect(row.quorumSide.value).toMatch(/^served/);
    // R+W>N no longer promises the latest write: stand-ins answer reads.
    expect(row.staleReads.value).toMatch(/ [1-9]\d* during faults$/);
    expect(row.lostWrites.value).toMatch(/^0 of \d+ lost$/);
    expect(row.cap.value).toBe('AP');
  }, 180_000);
});
