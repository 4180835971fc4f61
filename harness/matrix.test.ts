import { describe, expect, it } from 'vitest';
import type { CheckResult } from './checkers/types.ts';
import { buildMatrix } from './matrix.ts';
import type { SystemResult } from './run.ts';

const claims = {
  concurrencyControl: 'MVCC',
  dataStorage: 'Disk',
  replication: 'Async',
  transactions: 'N' as const,
  cap: 'AP' as const,
};

function result(
  workload: string,
  checkers: Record<string, CheckResult>,
  extra: Partial<SystemResult> = {},
): SystemResult {
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
    final: { keys: 0, clusterReads: 0, replicaReads: 0, failedReads: 0 },
    checkers,
    valid: true,
    ...extra,
  };
}

const availability = (minority: number, majority = 1): CheckResult => ({
  valid: true,
  partitions: 2,
  minority: { ok: Math.round(minority * 100), total: 100 },
  majority: { ok: Math.round(majority * 100), total: 100 },
});
const register = (valid: boolean): CheckResult => ({
  valid,
  ops: 100,
  nonLinearizableKeys: valid ? 0 : 1,
  failures: valid ? undefined : [{ counterexample: { explanation: 'x', stuck: { index: 7 } } }],
});
const lost = (n: number): CheckResult => ({
  valid: n === 0,
  lost: n,
  acknowledged: 50,
  examples: [],
});

describe('matrix rules', () => {
  it('AP: both sides served and converged', () => {
    const [row] = buildMatrix([
      result('register', {
        linearizable: register(false),
        'lost-writes': lost(0),
        convergence: { valid: true, keys: 5, diverged: 0 },
        availability: availability(1),
      }),
    ]);
    expect(row!.observed.cap.value).toBe('AP');
    expect(row!.contradictions).toEqual([]);
  });

  it('CP: minority refused, nothing lost, linearizable; a contradiction of the AP claim', () => {
    const [row] = buildMatrix([
      result('register', {
        linearizable: register(true),
        'lost-writes': lost(0),
        convergence: { valid: true, keys: 5, diverged: 0 },
        availability: availability(0),
      }),
    ]);
    expect(row!.observed.cap.value).toBe('CP');
    expect(row!.contradictions).toEqual([{ claim: 'cap', reason: 'claimed AP, observed CP' }]);
    expect(row!.observed.linearizable.evidence[0]).toMatchObject({
      workload: 'register',
      checker: 'linearizable',
    });
  });

  it('a system that refuses and loses writes is shown as such, not forced into a letter', () => {
    const [row] = buildMatrix([
      result('register', {
        linearizable: register(true),
        'lost-writes': lost(3),
        availability: availability(0),
      }),
    ]);
    expect(row!.observed.cap.value).toBe('neither: minority refused, acknowledged writes lost');
    expect(row!.observed.lostWrites).toMatchObject({
      tone: 'bad',
      value: '3 of 50 lost: replication behaved async',
    });
  });

  it('without a partition the CAP cell is unknown; workloads the system lacks show as n/a', () => {
    const rows = buildMatrix([
      result('register', {
        linearizable: register(true),
        availability: { valid: true, partitions: 0 },
      }),
      result(
        'bank',
        {},
        { status: 'not-applicable', error: 'sys lacks txn, which bank needs', history: '' },
      ),
    ]);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.observed.cap.tone).toBe('unknown');
    expect(rows[0]!.observed.transactions.value).toBe('n/a (no transactions)');
  });

  it('claimed synchronous replication is contradicted by a lost acknowledged write', () => {
    const rows = buildMatrix([
      result(
        'register',
        { 'lost-writes': lost(1) },
        { claims: { ...claims, replication: 'Sync', cap: 'CP' } },
      ),
    ]);
    expect(rows[0]!.contradictions.map((c) => c.claim)).toContain('replication');
  });
});
