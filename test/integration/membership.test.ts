import { describe, expect, it } from 'vitest';
import { cassandraBlocker } from '../../adapters/cassandra/engine.ts';
import { couchdbBlocker } from '../../adapters/couchdb/engine.ts';
import { admin, DATABASE } from '../../adapters/couchdb/http.ts';
import { couchdb } from '../../adapters/couchdb/index.ts';
import { dynamo } from '../../adapters/dynamo/index.ts';
import { mariadbBlocker } from '../../adapters/mysql-cluster/engine.ts';
import { redisBlocker } from '../../adapters/redis-cluster/engine.ts';
import type { Cluster, NodeHandle } from '../../adapters/types.ts';
import { DynamoClients } from '../../dynamo/client.ts';
import { skipUnless } from '../engines.ts';
import { changedUnderLoad, redisAddsUnderMembership, stopAfterEach } from '../runs.ts';
import { tempDir } from '../temp-dirs.ts';

let cluster: Cluster | undefined;
const clients = new DynamoClients();

stopAfterEach(() => ({ cluster, clients }));

// Membership changes under a write-heavy load, by each system's own
// procedure, on real node processes.
describe('membership changes under load', () => {
  it('the built-in store: a node added and a node decommissioned while writes go on lose no acknowledged write', async () => {
    const timing = { duration: '24', nemesisInterval: '3', nemesisDuration: '6' };
    await changedUnderLoad('dynamo', timing, 5000);
  }, 180_000);

  it('the built-in store: a joining node receives every key it comes to own; a leaving one hands each key to the owners it gains', async () => {
    // Read repair and anti-entropy off: only the move itself can copy data.
    cluster = await dynamo.provision('local', {
      nodes: 3,
      dir: tempDir('fl-member-'),
      settings: dynamo.settings.parse({ readRepair: 'off', antiEntropyIntervalMs: 0 }),
    });
    const keys = Array.from({ length: 2000 }, (_, i) => `m${i}`);
    const writer = clients.of(cluster.nodes[0]!, 5000);
    await Promise.all(keys.map((k) => writer.put(k, k, undefined, { w: 3 })));

    const joined = await cluster.membership!.grow();
    expect(joined).toBe('n4');
    const n4 = clients.outside(cluster.nodes.find((n) => n.id === 'n4')!);
    const owned = [];
    for (const k of keys) if ((await writer.preferenceList(k)).includes('n4')) owned.push(k);
    const held = await Promise.all(owned.map((k) => n4.localGet(k)));
    console.info(`membership: n4 joined owning ${owned.length} of ${keys.length} keys`);
    expect(owned.length).toBeGreaterThan(keys.length / 4);
    expect(held.map((versions) => versions.map((v) => v.value))).toEqual(owned.map((k) => [k]));

    await cluster.membership!.shrink('n1');
    expect(cluster.nodes.map((n) => n.id)).toEqual(['n2', 'n3', 'n4']);
    const reader = clients.of(cluster.nodes[0]!, 5000);
    const byId = new Map(cluster.nodes.map((n) => [n.id, clients.outside(n)]));
    let copies = 0;
    for (const k of keys) {
      const owners = await reader.preferenceList(k);
      expect(owners).not.toContain('n1');
      for (const owner of owners) {
        expect((await byId.get(owner)!.localGet(k)).map((v) => v.value)).toEqual([k]);
        copies++;
      }
    }
    expect(copies).toBe(keys.length * 3);
  }, 120_000);

  it.skipIf(skipUnless('redis-cluster membership', redisBlocker()))(
    'Redis Cluster: a master added (add-node, rebalance) and a node removed (failover, del-node) while set adds go on lose no acknowledged write',
    async () => {
      await redisAddsUnderMembership();
    },
    300_000,
  );

  it.skipIf(skipUnless('cassandra membership', cassandraBlocker()))(
    'Cassandra at QUORUM: a node bootstrapped and a node decommissioned while writes go on lose no acknowledged write',
    async () => {
      // A JVM starts and bootstraps in about a minute here: the run is long
      // enough for the join to finish inside it; the leave may end in heal.
      const timing = { duration: '90', nemesisInterval: '5', nemesisDuration: '5' };
      await changedUnderLoad('cassandra', timing, 2000);
    },
    420_000,
  );

  it.skipIf(skipUnless('galera membership', mariadbBlocker(true)))(
    'Galera: a node joined by state transfer and a node that left cleanly lose no acknowledged write; the next node added takes a new id',
    async () => {
      const timing = { duration: '60', nemesisInterval: '5', nemesisDuration: '10' };
      const changes = await changedUnderLoad('mysql-cluster', timing, 5000);
      // Whichever node left, the next one added is n5, never n4 again.
      expect(changes[2]).toBe('grow n5');
    },
    300_000,
  );

  it.skipIf(skipUnless('couchdb membership', couchdbBlocker()))(
    'CouchDB: a peer joined to the replication mesh and a peer removed from it lose no acknowledged write',
    async () => {
      const timing = { duration: '40', nemesisInterval: '5', nemesisDuration: '8' };
      await changedUnderLoad('couchdb', timing, 1000);
    },
    300_000,
  );

  it.skipIf(skipUnless('couchdb membership', couchdbBlocker()))(
    'CouchDB: a leaving peer hands what it took to every other node itself, even when its own pushes have stopped',
    async () => {
      cluster = await couchdb.provision('local', {
        nodes: 3,
        dir: tempDir('fl-member-couch-'),
        settings: couchdb.settings.parse(),
      });
      const [n1, n2, n3] = cluster.nodes as [NodeHandle, NodeHandle, NodeHandle];
      // n2's pushes stopped, as a replicator backing off after an error
      // leaves them; and the pushes to it, so what follows stays as set.
      for (const [from, to] of [
        [n2, n1],
        [n2, n3],
        [n1, n2],
        [n3, n2],
      ] as const) {
        const path = `/_replicator/${from.id}-to-${to.id}`;
        const { _rev } = await admin<{ _rev: string }>(from, 'GET', path);
        await admin(from, 'DELETE', `${path}?rev=${_rev}`);
      }
      const ids = Array.from({ length: 50 }, (_, i) => `left${i}`);
      for (const id of ids) await admin(n2, 'PUT', `/${DATABASE}/${id}`, { v: id });
      // A leaf of n2 that n1 and n3 hold only as the ancestor of a later
      // revision, without its body: PouchDB's _revs_diff names it missing
      // for good, and pushing it changes nothing.
      const { rev } = await admin<{ rev: string }>(n2, 'PUT', `/${DATABASE}/superseded`, { v: 1 });
      const later = {
        _id: 'superseded',
        _rev: `2-${'b'.repeat(32)}`,
        _revisions: { start: 2, ids: ['b'.repeat(32), rev.slice(2)] },
        v: 2,
      };
      for (const node of [n1, n3])
        await admin(node, 'POST', `/${DATABASE}/_bulk_docs`, { docs: [later], new_edits: false });
      const diff = await admin(n1, 'POST', `/${DATABASE}/_revs_diff`, { superseded: [rev] });
      expect(diff).toEqual({ superseded: { missing: [rev] } });
      await cluster.membership!.shrink('n2');
      expect(cluster.nodes.map((n) => n.id)).toEqual(['n1', 'n3']);
      for (const node of [n1, n3])
        for (const id of ids)
          expect(await admin<{ v: string }>(node, 'GET', `/${DATABASE}/${id}`)).toMatchObject({
            v: id,
          });
      for (const node of [n1, n3])
        expect(await admin(node, 'GET', `/${DATABASE}/superseded`)).toMatchObject({ v: 2 });
    },
    120_000,
  );
});
