import { describe, expect, it } from 'vitest';
import type { QuorumRule } from '../../core/quorum.ts';
import { history } from '../../test/histories.ts';
import { checkAvailability } from './availability.ts';

type Step = Parameters<typeof history>[number];
const ms = 1e6;
const w = (process: number, at: number, done: number, node: string, type = 'ok'): Step[] => [
  { process, type: 'invoke', f: 'write', key: 'p', value: process, time: at, node },
  { process, type: type as 'ok', f: 'write', key: 'p', value: process, time: done, node },
];
const info = (f: string, time: number, value?: object): Step => ({
  process: 'nemesis',
  type: 'info',
  f,
  time,
  ...(value ? { value } : {}),
});
const heal = (time: number): Step[] => [
  { process: 'nemesis', type: 'invoke', f: 'stop-partition', time },
  info('stop-partition', time + 0.1 * ms),
];

/** Who sees whom when `groups` are cut from each other. */
function sees(...groups: string[][]): Record<string, string[]> {
  return Object.fromEntries(
    groups.flatMap((g) => g.map((n) => [n, g.filter((m) => m !== n)] as const)),
  );
}
const masters = (members: string[], graceMs = 0): QuorumRule => ({
  rule: 'majority',
  of: 'masters',
  members,
  graceMs,
});

describe('availability by quorum side', () => {
  it('an even split of six nodes: the half with two of three masters holds the quorum, the other does not', () => {
    const cut = sees(['n1', 'n3', 'n5'], ['n2', 'n4', 'n6']);
    const result = checkAvailability(
      history(
        info('partition-halves', 1 * ms, {
          nodes: ['n2', 'n4', 'n6'],
          sees: cut,
          quorum: masters(['n1', 'n2', 'n3']),
        }),
        ...w(0, 2 * ms, 3 * ms, 'n1'),
        ...w(1, 2 * ms, 3 * ms, 'n5'),
        ...w(2, 2 * ms, 9 * ms, 'n2', 'info'),
        ...w(3, 2 * ms, 3 * ms, 'n4', 'fail'),
        ...heal(10 * ms),
      ),
    );
    expect(result).toMatchObject({
      partitions: 1,
      quorumSide: { ok: 2, total: 2, fraction: 1 },
      noQuorumSide: { ok: 0, total: 2, fraction: 0 },
      unknownSide: { total: 0 },
    });
    expect(result.byPartition[0]).toMatchObject({
      noQuorumAnywhere: false,
      sides: [
        { nodes: ['n1', 'n3', 'n5'], quorum: true, why: '2 of 3 masters: n1, n3' },
        { nodes: ['n2', 'n4', 'n6'], quorum: false, why: '1 of 3 masters: n2' },
      ],
    });
  });

  it('one node: the clients cut off it count on their own side, by thread, whatever process ids their infos gave them', () => {
    // Four workers, stride 5 (4 + one final reader); threads 1 and 3 are cut off.
    const result = checkAvailability(
      history(
        info('partition-isolate', 1 * ms, {
          nodes: ['clients'],
          sees: sees(['n1'], ['clients']),
          quorum: { rule: 'majority', of: 'voters', members: ['n1'], graceMs: 0 },
          clients: { side: 'clients', threads: [1, 3], stride: 5 },
        }),
        ...w(0, 2 * ms, 3 * ms, 'n1'),
        ...w(2, 2 * ms, 3 * ms, 'n1'),
        ...w(1, 2 * ms, 4 * ms, 'n1', 'info'),
        // Thread 1 again, under its next process id.
        ...w(6, 5 * ms, 6 * ms, 'n1', 'fail'),
        ...w(3, 2 * ms, 3 * ms, 'n1', 'fail'),
        ...heal(10 * ms),
      ),
    );
    expect(result).toMatchObject({
      partitions: 1,
      quorumSide: { ok: 2, total: 2, fraction: 1 },
      noQuorumSide: { ok: 0, total: 3, fraction: 0 },
      unknownSide: { total: 0 },
    });
    expect(result.byPartition[0]!.sides).toEqual([
      { nodes: ['n1'], quorum: true, why: '1 of 1 voters: n1' },
      { nodes: ['clients'], quorum: false, why: '0 of 1 voters' },
    ]);
  });

  it('an even split of four nodes by node count holds the quorum nowhere', () => {
    const result = checkAvailability(
      history(
        info('partition-halves', 1 * ms, {
          sees: sees(['n1', 'n2'], ['n3', 'n4']),
          quorum: { rule: 'majority', of: 'nodes', members: ['n1', 'n2', 'n3', 'n4'], graceMs: 0 },
        }),
        ...w(0, 2 * ms, 3 * ms, 'n1', 'fail'),
        ...w(1, 2 * ms, 3 * ms, 'n3', 'fail'),
        ...heal(5 * ms),
      ),
    );
    expect(result.byPartition[0]!.noQuorumAnywhere).toBe(true);
    expect(result).toMatchObject({ quorumSide: { total: 0 }, noQuorumSide: { ok: 0, total: 2 } });
  });

  it('ops invoked within the detection time are counted apart', () => {
    const result = checkAvailability(
      history(
        info('partition-isolate', 1 * ms, {
          sees: sees(['n1'], ['n2', 'n3']),
          quorum: { rule: 'majority', of: 'nodes', members: ['n1', 'n2', 'n3'], graceMs: 3 },
        }),
        // Within 3 ms of the cut: the isolated node has not noticed yet.
        ...w(0, 2 * ms, 2.5 * ms, 'n1'),
        ...w(1, 5 * ms, 6 * ms, 'n1', 'fail'),
        ...w(2, 5 * ms, 6 * ms, 'n2'),
        ...heal(8 * ms),
      ),
    );
    expect(result).toMatchObject({
      detecting: { ok: 1, total: 1 },
      noQuorumSide: { ok: 0, total: 1 },
      quorumSide: { ok: 1, total: 1 },
    });
  });

  it("a leaderless store's quorum is per key: the side holding R or W of the key's replicas", () => {
    const rule: QuorumRule = {
      rule: 'replicas',
      replicas: 3,
      read: 2,
      write: 2,
      level: 'N=3 R=2 W=2',
      placement: { a: ['n1', 'n2', 'n3'], b: ['n3', 'n4', 'n5'] },
      graceMs: 0,
    };
    const put = (process: number, key: string, node: string): Step[] => [
      { process, type: 'invoke', f: 'write', key, value: 1, time: 2 * ms, node },
      { process, type: 'ok', f: 'write', key, value: 1, time: 3 * ms, node },
    ];
    const result = checkAvailability(
      history(
        info('partition-halves', 1 * ms, {
          sees: sees(['n1', 'n2'], ['n3', 'n4', 'n5']),
          quorum: rule,
        }),
        ...put(0, 'a', 'n1'), // n1 reaches n1, n2 of a's replicas: 2 ≥ W
        ...put(1, 'b', 'n1'), // none of b's: without the quorum
        ...put(2, 'a', 'n4'), // only n3 of a's
        ...put(3, 'b', 'n4'), // all of b's
        ...put(4, 'c', 'n4'), // c is not in the placement: unknown
        ...heal(5 * ms),
      ),
    );
    expect(result).toMatchObject({
      quorumSide: { ok: 2, total: 2 },
      noQuorumSide: { ok: 2, total: 2 },
      unknownSide: { ok: 1, total: 1 },
    });
  });

  it('overlapping views (a bridge) leave a majority rule unable to tell; a history without a quorum record too', () => {
    const bridge = { n1: ['n2', 'n3'], n2: ['n1'], n3: ['n1'] };
    const result = checkAvailability(
      history(
        info('partition-bridge', 1 * ms, {
          sees: bridge,
          quorum: { rule: 'majority', of: 'nodes', members: ['n1', 'n2', 'n3'], graceMs: 0 },
        }),
        ...w(0, 2 * ms, 3 * ms, 'n2'),
        ...heal(4 * ms),
        info('partition-isolate', 5 * ms, { nodes: ['n1'], sees: sees(['n1'], ['n2', 'n3']) }),
        ...w(1, 6 * ms, 7 * ms, 'n1'),
        ...heal(8 * ms),
      ),
    );
    expect(result).toMatchObject({
      partitions: 2,
      unknownSide: { ok: 2, total: 2 },
      quorumSide: { total: 0 },
      noQuorumSide: { total: 0 },
    });
  });

  it('an op held through the partition and answered only once the heal began was not served during it', () => {
    const result = checkAvailability(
      history(
        info('partition-isolate', 2 * ms, {
          sees: sees(['n1'], ['n2', 'n3']),
          quorum: { rule: 'majority', of: 'nodes', members: ['n1', 'n2', 'n3'], graceMs: 0 },
        }),
        // Sent to the isolated node during the partition, ok after the heal began.
        ...w(0, 3 * ms, 5.5 * ms, 'n1'),
        ...w(1, 3 * ms, 4 * ms, 'n2'),
        { process: 'nemesis', type: 'invoke', f: 'stop-partition', time: 5 * ms },
        // Invoked while the heal runs: neither partitioned nor healthy.
        ...w(2, 5.2 * ms, 5.4 * ms, 'n1'),
        info('stop-partition', 6 * ms),
        ...w(3, 7 * ms, 8 * ms, 'n1'),
      ),
    );
    expect(result).toMatchObject({
      noQuorumSide: { ok: 0, total: 1 },
      quorumSide: { ok: 1, total: 1 },
      fault: { ok: 1, total: 2 },
      healthy: { ok: 1, total: 1 },
    });
  });
});
