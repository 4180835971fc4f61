import { describe, expect, it } from 'vitest';
import { dynamo } from '../../adapters/dynamo/index.ts';
import type { Cluster, NodeHandle } from '../../adapters/types.ts';
import { DynamoClients } from '../../dynamo/client.ts';
import { ClusterClient } from '../../dynamo/cluster-client.ts';
import { Connection } from '../../dynamo/connection.ts';
import { DynamoError } from '../../dynamo/protocol.ts';
import { resultOf } from '../../harness/checkers/index.ts';
import { changedUnderLoad, compareDynamo, stopAfterEach, waitFor } from '../runs.ts';
import { tempDir } from '../temp-dirs.ts';

// Client-driven coordination (--coordination=client) on real node processes.
let cluster: Cluster | undefined;
const clients = new DynamoClients();
const coordinators: ClusterClient[] = [];

stopAfterEach(() => {
  for (const client of coordinators.splice(0)) client.close();
  return { cluster, clients };
});

/** Read repair (unless asked) and anti-entropy off: only a write itself can place a copy. */
async function start(nodes: number, readRepair: 'on' | 'off' = 'off'): Promise<Cluster> {
  cluster = await dynamo.provision('local', {
    nodes,
    dir: tempDir('fl-coord-'),
    settings: dynamo.settings.parse({ readRepair, antiEntropyIntervalMs: 0 }),
  });
  return cluster;
}

/** A coordinating client of `node`'s workers, from their address. */
function coordinator(node: NodeHandle, ringMaxAgeMs?: number): ClusterClient {
  const client = new ClusterClient({
    seeds: [node],
    ...(node.clientAddress ? { localAddress: node.clientAddress } : {}),
    replicaTimeoutMs: 2000,
    n: 3,
    r: 2,
    w: 2,
    ...(ringMaxAgeMs ? { ringMaxAgeMs } : {}),
  });
  coordinators.push(client);
  return client;
}

/**
 * The key's owners hold exactly `value`, written under a client's actor
 * (nodes issue dots as n1#k, clients as c-…); every other node holds nothing.
 */
async function expectPlaced(key: string, owners: string[], value: string): Promise<void> {
  for (const node of cluster!.nodes) {
    const versions = await clients.outside(node).localGet(key);
    if (!owners.includes(node.id)) {
      expect(versions, `${node.id} holds no replica of ${key}`).toEqual([]);
      continue;
    }
    expect(
      versions.map((v) => v.value),
      `${node.id} holds ${key}`,
    ).toEqual([value]);
    expect(versions[0]!.dot.node).toMatch(/^c-[0-9a-f]{12}$/);
  }
}

describe('client-driven coordination', () => {
  it("a write goes straight to the key's N replicas under the client's own actor; reads count R and hand back a context that supersedes every sibling", async () => {
    await start(5);
    const n1 = cluster!.nodes[0]!;
    const client = coordinator(n1);
    const placement = clients.outside(n1);
    const keys = Array.from({ length: 60 }, (_, i) => `k${i}`);
    for (const key of keys) await client.put(key, `v-${key}`, undefined, { w: 3 });

    let notOnSeed = 0;
    for (const key of keys) {
      const owners = await placement.preferenceList(key, 3);
      if (!owners.includes('n1')) notOnSeed++;
      await expectPlaced(key, owners, `v-${key}`);
    }
    // Some keys are owned by nodes other than the one the client learned the ring from.
    expect(notOnSeed).toBeGreaterThan(5);

    // Two clients that have not seen each other's writes make siblings; a
    // write with the context of a read of both supersedes them.
    const other = coordinator(cluster!.nodes[1]!);
    await client.put('cart', 'a');
    await other.put('cart', 'b');
    const both = await client.get('cart', { r: 3 });
    expect(both.replies).toBe(3);
    expect(both.siblings.map((s) => s.value).sort()).toEqual(['a', 'b']);
    await other.put('cart', 'a+b', both.context, { w: 3 });
    const merged = await client.get('cart');
    expect(merged.siblings.map((s) => s.value)).toEqual(['a+b']);
  }, 60_000);

  it('a read whose replicas differ joins their sets and repairs the replicas behind', async () => {
    await start(3, 'on');
    const client = coordinator(cluster!.nodes[0]!);
    await client.put('k', 'old', undefined, { w: 3 });
    // A version only n3 holds, as if the other replicas had missed its write.
    const n3 = cluster!.nodes[2]!;
    const raw = new Connection({ host: n3.host, port: n3.port });
    try {
      const lone = { value: 'lone', dot: { node: 'x#1', counter: 1 }, context: { vv: {} } };
      await raw.request({ type: 'replicate', key: 'k', versions: [lone] }, 2000);
    } finally {
      raw.close();
    }
    // Digests differ, so the client reads the sets themselves and joins them.
    const read = await client.get('k', { r: 3, repairSync: true });
    expect(read.siblings.map((s) => s.value).sort()).toEqual(['lone', 'old']);
    for (const node of cluster!.nodes) {
      const held = await clients.outside(node).localGet('k');
      expect(held.map((v) => v.value).sort(), `${node.id} repaired`).toEqual(['lone', 'old']);
    }
    // The context of that read supersedes both.
    await client.put('k', 'new', read.context, { w: 3 });
    expect((await client.get('k')).siblings).toEqual([{ value: 'new' }]);
  }, 60_000);

  it('a node refuses a request routed by a ring that is behind, and the client fetches the ring again', async () => {
    await start(3);
    const n1 = cluster!.nodes[0]!;
    // A ring that would never be refreshed by age alone.
    const client = coordinator(n1, 3_600_000);
    await client.put('before', 'x', undefined, { w: 3 });

    expect(await cluster!.membership!.grow()).toBe('n4');
    // Every node routes by the new ring once gossip has told it n4 is normal.
    await waitFor('every node to route by a ring with n4', async () => {
      const rings = await Promise.all(cluster!.nodes.map((n) => clients.outside(n).status()));
      return rings.every((status) => status.ring.includes('n4'));
    });
    const placement = clients.outside(n1);
    const keys = Array.from({ length: 300 }, (_, i) => `after${i}`);
    const n4Owns: string[] = [];
    for (const key of keys)
      if ((await placement.preferenceList(key, 3)).includes('n4')) n4Owns.push(key);
    expect(n4Owns.length).toBeGreaterThan(30);

    // A node that gave a key up to n4 refuses it as routed there, doing nothing.
    const key = n4Owns[0]!;
    const owners = await placement.preferenceList(key, 3);
    const former = cluster!.nodes.find((n) => !owners.includes(n.id))!;
    const raw = new Connection({ host: former.host, port: former.port });
    try {
      const error = await raw.request({ type: 'local-get', key, owner: 3 }, 2000).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(DynamoError);
      expect(error).toMatchObject({ code: 'not-owner', definite: true });
    } finally {
      raw.close();
    }

    // W=3 by the old ring's three owners cannot be met where n4 took a
    // key from one of them: those writes succeed only by a ring fetched anew.
    for (const k of keys) await client.put(k, `v-${k}`, undefined, { w: 3 });
    for (const k of keys) await expectPlaced(k, await placement.preferenceList(k, 3), `v-${k}`);
  }, 120_000);

  it('under kills and partitions, with sloppy quorum, no acknowledged write is lost', async () => {
    const { exitCode, results } = await compareDynamo({
      coordination: 'client',
      nodes: '4',
      concurrency: '12',
      duration: '16',
      keys: '300',
      nemesis: 'kill,partition-isolate',
      nemesisInterval: '2',
      nemesisDuration: '3',
      seed: '7',
    });
    expect(exitCode).toBe(0);
    const [run] = results.systems;
    expect(run!.status).toBe('complete');
    expect(run!.faults.length).toBeGreaterThanOrEqual(2);
    expect(run!.metrics!.fail + run!.metrics!.info).toBeGreaterThan(0);
    const lost = resultOf(run!.checkers, 'lost-writes')!;
    console.info(
      `coordination=client under faults: ${lost.lost} of ${lost.acknowledged} acknowledged writes lost; ${run!.metrics!.fail} fail, ${run!.metrics!.info} info`,
    );
    expect(lost.acknowledged).toBeGreaterThan(1000);
    expect(lost).toMatchObject({ valid: true, lost: 0 });
    expect(run!.checkers.convergence).toMatchObject({ valid: true, diverged: 0 });
  }, 120_000);

  it('a node added and one decommissioned under a write-heavy load lose no acknowledged write', async () => {
    const timing = { duration: '24', nemesisInterval: '3', nemesisDuration: '6' };
    await changedUnderLoad('dynamo', timing, 5000, { coordination: 'client' });
  }, 180_000);
});
