import { describe, expect, it } from 'vitest';
import type { CassandraCluster } from '../../adapters/cassandra/cluster.ts';
import { cassandraBlocker } from '../../adapters/cassandra/engine.ts';
import { cassandraSystem } from '../../adapters/cassandra/index.ts';
import { rootFaultBlocker } from '../../chaos/support.ts';
import type { ReplicasRule } from '../../core/quorum.ts';
import { skipUnless } from '../engines.ts';
import { compareDynamo, stopAfterEach } from '../runs.ts';
import { tempDir } from '../temp-dirs.ts';

let cluster: CassandraCluster | undefined;
stopAfterEach(() => ({ cluster, clients: [] }));

const skip = skipUnless('cassandra tests', cassandraBlocker() ?? rootFaultBlocker('iptables'));

/** One node isolated with its clients, twice (seed 3 picks n2, then n1). */
const partitioned = {
  systems: 'cassandra',
  duration: '15',
  nemesis: 'partition-isolate',
  nemesisInterval: '2',
  nemesisDuration: '6',
  seed: '3',
};

describe.skipIf(skip)('Apache Cassandra on 3 real nodes', () => {
  it('QUORUM: the isolated minority fails, the majority serves, nothing acknowledged is lost; LWT registers are checked', async () => {
    const { results } = await compareDynamo({
      ...partitioned,
      workload: 'write-heavy,register',
      cassandraConsistency: 'quorum',
    });
    for (const run of results.systems) {
      expect(run.status, `${run.workload}: ${run.error ?? ''}`).toBe('complete');
      expect(run.faults.map((f) => f.fault)).toContain('partition-isolate');
    }
    const [writeHeavy, register] = results.systems;
    expect(writeHeavy!.checkers['lost-writes']).toMatchObject({ valid: true, lost: 0 });
    const row = results.matrix[0]!;
    expect(row.configuration).toMatch(/QUORUM/);
    expect(row.observed.noQuorumSide.value).toMatch(/^refused/);
    expect(row.observed.quorumSide.value).toMatch(/^served/);
    // Claimed "L": judged on the LWT register it offers, not on bank or list-append.
    expect(row.observed.transactions.value).toMatch(/^limited: single-partition LWT/);
    if (register!.checkers.linearizable!.valid === true)
      expect(row.contradictions.map((c) => c.claim)).not.toContain('transactions');
    // Linearizable, or a counterexample the report can show: never "unknown".
    const linearizable = register!.checkers.linearizable!;
    console.info(`cassandra LWT register: linearizable ${linearizable.valid}`);
    expect(linearizable.valid).not.toBe('unknown');
    if (linearizable.valid === false) expect(linearizable.failures).toBeDefined();
  }, 400_000);

  it('ONE: both sides serve, stale reads appear, last-write-wins drops concurrent updates silently', async () => {
    const { results } = await compareDynamo({
      ...partitioned,
      workload: 'staleness,write-heavy',
      cassandraConsistency: 'one',
    });
    for (const run of results.systems) expect(run.status).toBe('complete');
    const row = results.matrix[0]!;
    expect(row.configuration).toMatch(/ONE/);
    // At ONE every side holds a replica of every key: all are quorum sides.
    expect(row.observed.noQuorumSide.value).toBe('none: every side held the quorum its ops needed');
    expect(row.observed.quorumSide.value).toMatch(/^served/);
    console.info(
      `cassandra ONE: stale reads ${row.observed.staleReads.value}; ${row.observed.lostWrites.value}`,
    );
    expect(row.observed.staleReads.tone).not.toBe('good');
    expect(row.observed.staleReads.value).not.toMatch(/^none/);
    expect(row.observed.conflicts.value).toMatch(/^silently resolved/);
  }, 400_000);

  it('RF below the node count: the quorum rule places each key where Cassandra itself does (nodetool getendpoints)', async () => {
    cluster = (await cassandraSystem.provision('local', {
      nodes: 3,
      dir: tempDir('fl-cassandra-rf2-'),
      settings: cassandraSystem.settings.parse({ replicationFactor: 2 }),
    })) as CassandraCluster;
    const keys = Array.from({ length: 40 }, (_, i) => `user${i}`);
    const rule = (await cluster.quorum({ workload: 'kv', keys })) as ReplicasRule;
    expect(rule).toMatchObject({ rule: 'replicas', replicas: 2, read: 2, write: 2 });
    const placement = rule.placement!;
    expect(Object.keys(placement)).toEqual(keys);
    for (const key of keys) {
      expect(new Set(placement[key]).size).toBe(2);
      for (const id of placement[key]!) expect(['n1', 'n2', 'n3']).toContain(id);
    }
    // Not every key on the same pair: the ring spreads them.
    expect(new Set(keys.map((k) => [...placement[k]!].sort().join())).size).toBeGreaterThan(1);
    // Each nodetool call starts a JVM: a few keys are checked against it.
    for (const key of keys.slice(0, 4)) {
      expect([...placement[key]!].sort()).toEqual((await cluster.endpoints(key)).sort());
    }
  }, 400_000);
});
