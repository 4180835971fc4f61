import { describe, expect, it } from 'vitest';
import type { Claims } from '../adapters/types.ts';
import type { Op } from '../core/history.ts';
import type { QuorumRule } from '../core/quorum.ts';
import { history } from '../test/histories.ts';
import { CHECKERS, type CheckerName, type CheckResults } from './checkers/index.ts';
import { verdict } from './checkers/types.ts';
import { buildMatrix, type MatrixRow } from './matrix.ts';
import type { SystemResult } from './run.ts';

/**
 * Every contradiction rule of the matrix, held against fixture histories
 * through the real checkers: a system that behaves exactly as it claims
 * earns no ✗, one that breaks its claim earns the ✗ with its evidence.
 */

type Step = Parameters<typeof history>[number];
const ms = 1e6;

const claimsOf = (over: Partial<Claims>): Claims => ({
  concurrencyControl: 'MVCC',
  dataStorage: 'Disk',
  replication: 'Async',
  transactions: 'N',
  cap: 'AP',
  ...over,
});

/** A register history written step by step on a run clock of milliseconds. */
class Fixture {
  readonly steps: Step[] = [];
  private process = 0;

  /** One op of a new process, invoked at `at` ms and completed 1 ms later. */
  op(
    f: 'read' | 'write' | 'cas',
    node: string,
    at: number,
    value: unknown,
    type: 'ok' | 'fail' | 'info' = 'ok',
    extra: Partial<Op> = {},
  ): this {
    const process = this.process++;
    const invoked = f === 'read' ? null : value;
    this.steps.push(
      { process, type: 'invoke', f, key: 'r0', value: invoked, node, time: at * ms, ...extra },
      {
        process,
        type,
        f,
        key: 'r0',
        value: type === 'ok' ? value : invoked,
        node,
        time: (at + 1) * ms,
        ...(type === 'ok' ? {} : { error: 'refused' }),
        ...extra,
      },
    );
    return this;
  }

  partition(at: number, groups: string[][], quorum: QuorumRule): this {
    const sees = Object.fromEntries(
      groups.flatMap((g) => g.map((n) => [n, g.filter((m) => m !== n)] as const)),
    );
    this.steps.push({
      process: 'nemesis',
      type: 'info',
      f: 'partition-halves',
      value: { nodes: [], sees, quorum },
      time: at * ms,
    });
    return this;
  }

  /** A membership change by the nemesis: the move runs from `at` to `until` (ms). */
  change(f: 'grow' | 'shrink', node: string, at: number, until: number): this {
    this.steps.push(
      { process: 'nemesis', type: 'invoke', f: 'membership', time: at * ms },
      { process: 'nemesis', type: 'info', f, value: { nodes: [node] }, time: until * ms },
    );
    return this;
  }

  heal(at: number): this {
    this.steps.push(
      { process: 'nemesis', type: 'invoke', f: 'stop-partition', time: at * ms },
      { process: 'nemesis', type: 'info', f: 'stop-partition', time: (at + 0.5) * ms },
    );
    return this;
  }

  /** The final phase: a cluster read, and each node's own copy. */
  final(at: number, value: unknown, nodes: string[]): this {
    this.op('read', nodes[0]!, at, value, 'ok', { final: 'cluster' });
    for (const n of nodes) this.op('read', n, at + 2, value, 'ok', { final: 'replica' });
    return this;
  }

  build(): Op[] {
    return history(...this.steps);
  }
}

/** A SystemResult of one workload as runSystem makes it, the checkers run on `ops`. */
function resultOf(
  workload: string,
  checkers: readonly string[],
  ops: Op[],
  claims: Claims,
  extra: Partial<SystemResult> = {},
): SystemResult {
  const results: CheckResults = Object.fromEntries(
    checkers.map((c) => [c, CHECKERS[c as CheckerName](ops)]),
  );
  results.availability = CHECKERS.availability(ops);
  results.conflicts = CHECKERS.conflicts(ops);
  results.membership = CHECKERS.membership(ops);
  return {
    system: 'sys',
    workload,
    engine: 'engine',
    configuration: 'conf',
    nodes: 3,
    claims,
    status: 'complete',
    history: `history/sys.${workload}.jsonl`,
    timings: { provisionS: 0, loadS: 0, runS: 0, finalS: 0 },
    load: { ok: 0, fail: 0, info: 0 },
    metrics: null,
    faults: [],
    final: { keys: 1, clusterReads: 1, replicaReads: 0, failedReads: 0 },
    checkers: results,
    valid: verdict(Object.values(results)),
    ...extra,
  };
}

const REGISTER = ['linearizable', 'lost-writes', 'convergence'];
const row = (...results: SystemResult[]): MatrixRow => buildMatrix(results)[0]!;
const claimsContradicted = (r: MatrixRow) => r.contradictions.map((c) => c.claim);

/** Redis-like: six nodes, three masters; the cut gives one half two of them. */
const redisMasters: QuorumRule = {
  rule: 'majority',
  of: 'masters',
  members: ['n1', 'n2', 'n3'],
  graceMs: 5,
};
const halvesOfSix = [
  ['n1', 'n3', 'n5'],
  ['n2', 'n4', 'n6'],
];
const six = ['n1', 'n2', 'n3', 'n4', 'n5', 'n6'];

/** A leaderless store at N=3 R=2 W=2 on three nodes, one of them cut off. */
const dynamoQuorum: QuorumRule = {
  rule: 'replicas',
  replicas: 3,
  read: 2,
  write: 2,
  level: 'N=3 R=2 W=2',
  graceMs: 0,
};
const isolateOfThree = [['n1'], ['n2', 'n3']];

/** A CP system under an even split: the half without two masters refuses once it noticed. */
function cpUnderHalves(withoutQuorum: 'ok' | 'fail'): Op[] {
  return (
    new Fixture()
      .op('write', 'n1', 0, 1)
      .partition(10, halvesOfSix, redisMasters)
      // Within the 5 ms detection time: the minority master still answers.
      .op('read', 'n2', 11, 1)
      .op('write', 'n1', 20, 2)
      .op('read', 'n3', 22, 2)
      .op('read', 'n5', 24, 2)
      .op('read', 'n2', 26, 2, withoutQuorum)
      .op('read', 'n4', 28, 2, withoutQuorum)
      .op('read', 'n6', 30, 2, withoutQuorum)
      .heal(40)
      .final(50, 2, six)
      .build()
  );
}

describe('CAP rule for a CP claim', () => {
  const cp = claimsOf({ cap: 'CP', concurrencyControl: 'Locks' });

  it('an even split: the half without a majority of masters refuses, the other serves; no ✗', () => {
    const r = row(resultOf('register', REGISTER, cpUnderHalves('fail'), cp));
    expect(r.observed.noQuorumSide.value).toBe('refused (0% of 3 ops ok)');
    expect(r.observed.quorumSide.value).toBe('served (100% of 3 ops ok)');
    expect(r.observed.cap.value).toBe('CP');
    expect(r.contradictions).toEqual([]);
    expect(r.observed.noQuorumSide.evidence[0]!.detail).toMatch(
      /n1,n3,n5 held the quorum \(2 of 3 masters: n1, n3\); n2,n4,n6 did not hold the quorum \(1 of 3 masters: n2\)/,
    );
  });

  it('the half without its quorum serving after the detection time is a ✗, with the partition as evidence', () => {
    const r = row(resultOf('register', REGISTER, cpUnderHalves('ok'), cp));
    expect(r.observed.noQuorumSide.value).toBe('served (100% of 3 ops ok)');
    expect(r.contradictions).toEqual([
      {
        claim: 'cap',
        reason:
          'claimed CP, but the side without its quorum served (100% of 3 ops ok) after the detection time',
      },
    ]);
    const evidence = r.observed.cap.evidence.find((e) => e.checker === 'availability')!;
    expect(evidence.ops).toHaveLength(1);
    expect(evidence.detail).toMatch(/Without the quorum 3 of 3 ok/);
  });

  it('a lost acknowledged write contradicts CP even when the minority refused', () => {
    const ops = new Fixture()
      .op('write', 'n1', 0, 1)
      .partition(10, halvesOfSix, redisMasters)
      .op('write', 'n2', 11, 7) // acknowledged by the minority master within the node timeout
      .op('read', 'n2', 26, 7, 'fail')
      .op('read', 'n1', 26, 1)
      .heal(40)
      .final(50, 1, six)
      .build();
    const r = row(resultOf('register', REGISTER, ops, cp));
    expect(r.observed.lostWrites.tone).toBe('bad');
    expect(r.contradictions).toHaveLength(1);
    expect(r.contradictions[0]!.reason).toMatch(
      /^claimed CP, but acknowledged writes lost \(1 of 2 lost/,
    );
    // The acknowledgement of the lost write (index 4: its invoke is 3).
    expect(r.observed.lostWrites.evidence[0]!.ops).toEqual([4]);
  });

  it('refused without a quorum but linearizability not measured: the class stays open, no ✗', () => {
    const ops = cpUnderHalves('fail');
    const r = row(resultOf('write-heavy', ['lost-writes', 'unexpected-values'], ops, cp));
    expect(r.observed.cap.tone).toBe('unknown');
    expect(r.observed.cap.value).toMatch(/^CP so far: .*run `--workload=register`/);
    expect(r.contradictions).toEqual([]);
  });
});

describe('CAP rule for an AP claim', () => {
  const ap = claimsOf({ cap: 'AP' });
  const apUnderIsolate = (isolated: 'ok' | 'fail') =>
    new Fixture()
      .op('write', 'n2', 0, 1)
      .partition(10, isolateOfThree, dynamoQuorum)
      .op('write', 'n1', 11, 2, isolated)
      .op('read', 'n1', 13, 2, isolated)
      .op('write', 'n2', 15, 3)
      .op('read', 'n3', 17, 3)
      .heal(30)
      .final(40, 3, ['n1', 'n2', 'n3'])
      .build();

  it('every side serving, the one without a quorum of replicas included, and converged: AP, no ✗', () => {
    const r = row(resultOf('register', REGISTER, apUnderIsolate('ok'), ap));
    expect(r.observed.noQuorumSide.value).toBe('served (100% of 2 ops ok)');
    expect(r.observed.converged.value).toBe('yes');
    expect(r.observed.cap.value).toBe('AP');
    expect(r.contradictions).toEqual([]);
  });

  it('the side without a quorum of replicas refusing is a ✗', () => {
    const r = row(resultOf('register', REGISTER, apUnderIsolate('fail'), ap));
    expect(r.contradictions).toEqual([
      {
        claim: 'cap',
        reason: 'claimed AP, but the side without a quorum refused (0% of 2 ops ok)',
      },
    ]);
  });
});

describe('CAP rule for a CA claim', () => {
  it('a CA claim excludes partitions: refusing or serving during one earns no CAP ✗', () => {
    const ca = claimsOf({ cap: 'CA', replication: 'Sync', transactions: 'N' });
    for (const behaviour of ['ok', 'fail'] as const) {
      const r = row(resultOf('register', REGISTER, cpUnderHalves(behaviour), ca));
      expect(claimsContradicted(r)).not.toContain('cap');
    }
  });
});

describe('replication rule', () => {
  const sync = claimsOf({ cap: 'CA', replication: 'Sync' });
  const withFinal = (value: number) =>
    new Fixture()
      .op('write', 'n1', 0, 1)
      .op('write', 'n1', 5, 2)
      .final(20, value, ['n1', 'n2', 'n3'])
      .build();

  it('synchronous replication that loses nothing: no ✗', () => {
    expect(claimsContradicted(row(resultOf('register', REGISTER, withFinal(2), sync)))).toEqual([]);
  });

  it('synchronous replication that lost an acknowledged write: ✗', () => {
    const r = row(resultOf('register', REGISTER, withFinal(1), sync));
    expect(r.contradictions).toEqual([
      { claim: 'replication', reason: 'claimed Sync, but 1 of 2 lost: replication behaved async' },
    ]);
  });
});

describe('transaction rules', () => {
  type Micro = ['append', string, number] | ['r', string, number[] | null];
  const txn = (process: number, ops: Micro[], type: 'ok' | 'fail' = 'ok'): Step[] => {
    const invoked = ops.map((m) => (m[0] === 'r' ? ['r', m[1], null] : m));
    return [
      { process, type: 'invoke', f: 'txn', value: invoked },
      { process, type, f: 'txn', value: type === 'ok' ? ops : invoked },
    ];
  };
  const acid = claimsOf({ cap: 'CA', concurrencyControl: 'ACID', transactions: 'Y' });

  it('Y: serial transactions earn no ✗; a read of an aborted append (G1a) earns one', () => {
    const serial = history(...txn(0, [['append', 'x', 1]]), ...txn(1, [['r', 'x', [1]]]));
    const good = row(resultOf('list-append', ['list-append'], serial, acid));
    expect(good.observed.transactions.value).toBe(
      'none found: consistent with snapshot-isolation and serializable (no anomaly found)',
    );
    expect(good.contradictions).toEqual([]);

    const aborted = history(...txn(0, [['append', 'x', 1]], 'fail'), ...txn(1, [['r', 'x', [1]]]));
    const bad = row(resultOf('list-append', ['list-append'], aborted, acid));
    expect(bad.contradictions).toEqual([
      {
        claim: 'transactions',
        reason:
          'claimed ACID transactions, but not read-committed nor any model stronger: G1a; consistent with read-uncommitted',
      },
    ]);
  });

  it('Y with no transactions offered: ✗', () => {
    const na = resultOf('bank', [], [], acid, {
      status: 'not-applicable',
      error: 'sys has no bank client, which bank needs (its clients: kv)',
      history: '',
    });
    expect(row(na).contradictions).toEqual([
      { claim: 'transactions', reason: 'claimed ACID transactions, but the adapter offers none' },
    ]);
  });

  const limited = claimsOf({ cap: 'AP', transactions: 'L' });
  const lwt = { limitedTransactions: 'single-partition LWT' };
  const noTxn = (claims: Claims, extra: Partial<SystemResult>) =>
    resultOf('list-append', [], [], claims, {
      status: 'not-applicable',
      error: 'sys has no list-append client, which list-append needs (its clients: kv)',
      history: '',
      ...extra,
    });

  it('L: a linearizable single-key CAS register under a partition is the limited transaction claimed; no ✗', () => {
    const ops = new Fixture()
      .op('write', 'n1', 0, 1)
      .partition(10, isolateOfThree, { ...dynamoQuorum, level: 'SERIAL' })
      .op('cas', 'n2', 11, [1, 2])
      .op('read', 'n3', 13, 2)
      .op('cas', 'n1', 15, [2, 3], 'fail')
      .heal(20)
      .final(30, 2, ['n1', 'n2', 'n3'])
      .build();
    const r = row(resultOf('register', REGISTER, ops, limited, lwt), noTxn(limited, lwt));
    expect(r.observed.transactions).toMatchObject({
      value: 'limited: single-partition LWT, linearizable under partitions',
      tone: 'good',
    });
    expect(claimsContradicted(r)).not.toContain('transactions');
  });

  it('L: a single-key transaction that is not linearizable is a ✗, with the counterexample', () => {
    const ops = new Fixture()
      .op('write', 'n1', 0, 1)
      .op('cas', 'n2', 5, [1, 2])
      .op('read', 'n3', 10, 1) // reads the value the cas had replaced
      .final(30, 2, ['n1', 'n2', 'n3'])
      .build();
    const r = row(resultOf('register', REGISTER, ops, limited, lwt));
    expect(r.observed.transactions.value).toBe('limited: single-partition LWT, not linearizable');
    expect(r.contradictions).toContainEqual({
      claim: 'transactions',
      reason:
        'claimed limited transactions, observed limited: single-partition LWT, not linearizable',
    });
    expect(r.observed.linearizable.evidence[0]!.ops?.length).toBe(1);
  });

  it('L with no single-key transaction offered: ✗', () => {
    expect(row(noTxn(limited, {})).contradictions).toEqual([
      {
        claim: 'transactions',
        reason: 'claimed limited (single-key) transactions, but the adapter offers none',
      },
    ]);
  });
});

describe('verdict', () => {
  it('a check that does not apply is "not measured" and leaves the verdict alone; one that applies and could not finish makes it unknown', () => {
    const ops = new Fixture().op('write', 'n1', 0, 1).final(10, 1, ['n1']).build();
    const checkers = {
      'lost-writes': CHECKERS['lost-writes']!(ops),
      convergence: {
        valid: 'unknown' as const,
        notMeasured: "sys cannot read one replica's own copy",
      },
    };
    expect(verdict(Object.values(checkers))).toBe(true);
    const r = row(resultOf('write-heavy', [], ops, claimsOf({}), { checkers }));
    expect(r.observed.converged).toMatchObject({
      value: "not measured (sys cannot read one replica's own copy)",
      tone: 'neutral',
    });
    const lone = row(resultOf('write-heavy', [], ops, claimsOf({}), { checkers, nodes: 1 }));
    expect(lone.observed.converged).toMatchObject({
      value: 'one copy: a single node has no replicas to diverge',
      tone: 'neutral',
    });
    expect(verdict([...Object.values(checkers), { valid: 'unknown' }])).toBe('unknown');
    expect(verdict([...Object.values(checkers), { valid: false }])).toBe(false);
  });

  it('without a partition the CAP cell is unknown, and no CAP ✗ is drawn from it', () => {
    const ops = new Fixture().op('write', 'n1', 0, 1).final(10, 1, ['n1']).build();
    const r = row(resultOf('register', REGISTER, ops, claimsOf({ cap: 'CP' })));
    expect(r.observed.cap.tone).toBe('unknown');
    expect(r.contradictions).toEqual([]);
  });
});

describe("the matrix reads each checker's own typed fields", () => {
  // Results as their checkers type them, every count a different number: a
  // field the matrix reads that the result lacks, or reads under another
  // name, leaves its number out of the cell.
  const typed: CheckResults = {
    'lost-writes': {
      valid: false,
      acknowledged: 1101,
      lost: 11,
      lostKeys: 3,
      unknownKeys: 0,
      examples: [{ write: { index: 41 }, invokedAt: 1 }],
    },
    set: {
      valid: true,
      sets: 1,
      attempted: 1300,
      acknowledged: 1203,
      lost: 13,
      recovered: 0,
      unexpected: 0,
      reads: 1407,
      staleReads: 14,
      staleReadsHealthy: 5,
      staleReadsDuringFaults: 9,
      examples: {
        lost: [{ element: 'e', key: 's', index: 42 }],
        unexpected: [],
        stale: [{ key: 's', readIndex: 43, invoked: 1, missing: ['e'], lagMs: 1 }],
      },
    },
    conflicts: {
      valid: true,
      handling: 'exposed',
      siblingReads: 17,
      concurrentWrites: 19,
      examples: [44],
    },
    convergence: { valid: false, keys: 23, diverged: 2, unknownKeys: 0, examples: [] },
    linearizable: {
      valid: true,
      model: 'register',
      keys: 1,
      ops: 2903,
      nonLinearizableKeys: 0,
      configurations: 1,
      elapsedMs: 1,
    },
  };

  it('puts every count it reads in the cell or its evidence', () => {
    const ops = new Fixture().op('write', 'n1', 0, 1).final(10, 1, ['n1']).build();
    const r = row(resultOf('set', [], ops, claimsOf({}), { checkers: typed }));
    const said = (cell: keyof MatrixRow['observed']) =>
      [r.observed[cell].value, ...r.observed[cell].evidence.map((e) => e.detail)].join(' | ');
    expect(r.observed.lostWrites.value).toBe('24 of 2304 lost: replication behaved async');
    expect(r.observed.lostWrites.evidence.flatMap((e) => e.ops ?? [])).toEqual([41, 42]);
    expect(said('staleReads')).toContain('14 stale of 1407 reads (5 healthy, 9 during faults)');
    expect(r.observed.staleReads.evidence[0]!.ops).toEqual([43]);
    expect(r.observed.conflicts.value).toBe('exposed (17 reads returned siblings)');
    expect(said('conflicts')).toContain('19 acknowledged writes overlapped another');
    expect(said('converged')).toContain('2 of 23 keys diverged after heal');
    expect(said('linearizable')).toContain('over 2903 ops');
  });
});

describe('membership change under load', () => {
  const ap = claimsOf({ cap: 'AP' });
  const moved = (lostValue: number) =>
    new Fixture()
      .op('write', 'n1', 0, 1)
      .change('grow', 'n4', 10, 30)
      .op('write', 'n1', 12, 2)
      .op('write', 'n2', 14, 3, 'fail')
      .op('read', 'n3', 40, 2)
      .final(50, lostValue, ['n1', 'n2', 'n3', 'n4'])
      .build();

  it('no acknowledged write lost: the change, how long it took, and the ops that succeeded while data moved', () => {
    const r = row(resultOf('register', REGISTER, moved(2), ap));
    expect(r.observed.membership).toMatchObject({
      value: 'no write lost (1 change(s) in 0.0 s, 50.0% ops ok while data moved)',
      tone: 'good',
    });
    expect(r.observed.membership.evidence[0]!.detail).toBe(
      'grow n4 in 0.02 s (1 of 2 ops ok meanwhile)',
    );
  });

  it('an acknowledged write lost across the change marks the cell', () => {
    const r = row(resultOf('register', REGISTER, moved(1), ap));
    expect(r.observed.membership.tone).toBe('bad');
    expect(r.observed.membership.value).toMatch(/^writes lost \(1 of \d+ lost/);
  });

  it('a change the system could not make is a failure, with its error', () => {
    const ops = history(
      { process: 'nemesis', type: 'invoke', f: 'membership' },
      { process: 'nemesis', type: 'info', f: 'grow', error: 'n4 did not start' },
    );
    const r = row(resultOf('register', [], ops, ap));
    expect(r.observed.membership).toMatchObject({
      value: 'failed (grow: n4 did not start)',
      tone: 'bad',
    });
  });

  /** A change with `served` of 10 ops ok while it ran, and nothing lost. */
  const online = (served: number) => {
    const f = new Fixture().op('write', 'n1', 0, 1).change('grow', 'n4', 10, 40);
    for (let i = 0; i < 10; i++) f.op('read', 'n2', 11 + i, 1, i < served ? 'ok' : 'fail');
    return f.final(50, 1, ['n1', 'n2', 'n3', 'n4']).build();
  };
  const claimOf = (r: MatrixRow) => r.contradictions.filter((c) => c.claim === 'nodeAddition');

  it('node addition claimed dynamic: held when the change kept ≥ 90% of ops ok and lost nothing', () => {
    const dynamic = claimsOf({ nodeAddition: 'dynamic' });
    expect(claimOf(row(resultOf('register', REGISTER, online(9), dynamic)))).toEqual([]);
    const [slow] = claimOf(row(resultOf('register', REGISTER, online(8), dynamic)));
    expect(slow!.reason).toMatch(/^claimed dynamic, but only 80\.0% of ops ok while data moved/);
    const [lost] = claimOf(row(resultOf('register', REGISTER, moved(1), dynamic)));
    expect(lost!.reason).toMatch(/^claimed dynamic, but writes lost/);
  });

  it('node addition claimed to need a system shutdown: contradicted by a change made under load', () => {
    const shutdown = claimsOf({ nodeAddition: 'system shutdown' });
    const [against] = claimOf(row(resultOf('register', REGISTER, online(10), shutdown)));
    expect(against!.reason).toMatch(
      /^claimed to need a system shutdown, but changed under load: no write lost/,
    );
    // A change that kept too few ops ok does not refute it; nor does no change.
    expect(claimOf(row(resultOf('register', REGISTER, online(5), shutdown)))).toEqual([]);
    expect(claimOf(row(resultOf('register', REGISTER, cpUnderHalves('fail'), shutdown)))).toEqual(
      [],
    );
  });

  it('without a change, the cell says which flag fills it', () => {
    const r = row(resultOf('register', REGISTER, cpUnderHalves('fail'), ap));
    expect(r.observed.membership.value).toBe(
      '– (no membership change ran: run `--nemesis=membership`)',
    );
  });
});
