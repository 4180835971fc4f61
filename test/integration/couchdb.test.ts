import { describe, expect, it } from 'vitest';
import { couchdbBlocker } from '../../adapters/couchdb/engine.ts';
import { couchdb } from '../../adapters/couchdb/index.ts';
import type { Client, Cluster } from '../../adapters/types.ts';
import { PartitionNemesis } from '../../chaos/partition.ts';
import { rootFaultBlocker } from '../../chaos/support.ts';
import { seededRng } from '../../core/rng.ts';
import { skipUnless } from '../engines.ts';
import { compareDynamo, stopAfterEach } from '../runs.ts';
import { tempDir } from '../temp-dirs.ts';

const skip = skipUnless('couchdb tests', couchdbBlocker() ?? rootFaultBlocker('iptables'));

let cluster: Cluster | undefined;
let nemesis: PartitionNemesis | undefined;
const clients: Client[] = [];

stopAfterEach(() => ({ cluster, nemesis, clients }));

describe.skipIf(skip)('the CouchDB row on PouchDB server processes', () => {
  it('both sides of a partition accept writes; after heal every node shows the same winner and the loser in _conflicts', async () => {
    const started = Date.now();
    cluster = await couchdb.provision('local', {
      nodes: 3,
      dir: tempDir('fl-couch-'),
      settings: couchdb.settings.parse(),
    });
    console.info(`couchdb: 3 nodes replicating in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const client = async (id: string) => {
      const node = cluster!.nodes.find((n) => n.id === id)!;
      const c = await couchdb.clients.register!(cluster!, node, couchdb.settings.parse());
      clients.push(c);
      return c;
    };
    const all = await Promise.all(cluster.nodes.map((n) => client(n.id)));
    expect((await all[0]!.invoke({ f: 'write', key: 'doc', value: 0 })).type).toBe('ok');
    await cluster.settle!(10_000);

    nemesis = new PartitionNemesis('isolate');
    const fault = await nemesis.start(cluster, seededRng(2));
    const isolated = fault.value.nodes[0]!;
    const index = cluster.nodes.findIndex((n) => n.id === isolated);
    const other = (index + 1) % cluster.nodes.length;
    // Each side updates the document from the revision it holds.
    expect(await all[index]!.invoke({ f: 'write', key: 'doc', value: 1 })).toMatchObject({
      type: 'ok',
    });
    expect(await all[other]!.invoke({ f: 'write', key: 'doc', value: 2 })).toMatchObject({
      type: 'ok',
    });
    expect(await all[index]!.invoke({ f: 'read', key: 'doc' })).toEqual({ type: 'ok', value: 1 });

    await nemesis.heal();
    const healed = Date.now();
    await cluster.settle!(60_000);
    console.info(`couchdb: converged ${((Date.now() - healed) / 1000).toFixed(1)} s after heal`);
    const reads = await Promise.all(all.map((c) => c.invoke({ f: 'read', key: 'doc' })));
    for (const read of reads) {
      expect(read).toMatchObject({ type: 'ok', siblings: true });
      expect([...(read as { value: number[] }).value].sort()).toEqual([1, 2]);
    }
    // The same winner (first) everywhere: CouchDB's deterministic rule.
    const winners = reads.map((r) => (r as { value: number[] }).value[0]);
    expect(new Set(winners).size).toBe(1);
  }, 120_000);

  it('compare: write-heavy and register under a partition and kills expose conflicts and converge', async () => {
    const { results } = await compareDynamo({
      systems: 'couchdb',
      workload: 'write-heavy,register',
      duration: '14',
      nemesis: 'partition-isolate,kill',
      nemesisInterval: '2',
      nemesisDuration: '5',
      // A seed whose schedule starts with the partition.
      seed: '1',
    });
    for (const run of results.systems) {
      expect(run.status, `${run.workload}: ${run.error ?? ''}`).toBe('complete');
      expect(run.faults.map((f) => f.fault)).toContain('partition-isolate');
    }
    const [writeHeavy] = results.systems;
    expect(writeHeavy!.checkers['lost-writes']).toMatchObject({ valid: true, lost: 0 });
    const row = results.matrix[0]!;
    expect(row.observed.conflicts.value).toMatch(/^exposed/);
    expect(row.observed.converged.value).toBe('yes');
    // Both sides of the partition accepted writes: each node needs only its own copy.
    expect(row.observed.noQuorumSide.value).toBe('none: every side held the quorum its ops needed');
    expect(row.observed.quorumSide.value).toMatch(/^served/);
  }, 240_000);
});
