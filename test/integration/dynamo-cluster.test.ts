import { describe, expect, it } from 'vitest';
import { dynamo } from '../../adapters/dynamo/index.ts';
import type { Cluster } from '../../adapters/types.ts';
import { DynamoClients } from '../../dynamo/client.ts';
import { Connection } from '../../dynamo/connection.ts';
import { digestOf } from '../../dynamo/merkle.ts';
import { stopAfterEach } from '../runs.ts';
import { tempDir } from '../temp-dirs.ts';

// Real node processes of dynamo/server.ts on 127.0.11.x, talking over TCP.
let cluster: Cluster | undefined;
const clients = new DynamoClients();

/** A client pinned to node `id`, connecting from its client address. */
function client(id: string) {
  return clients.of(cluster!.nodes.find((n) => n.id === id)!);
}

async function start(settings: Record<string, unknown> = {}): Promise<Cluster> {
  cluster = await dynamo.provision('local', {
    nodes: 3,
    dir: tempDir('fl-dynamo-'),
    settings: dynamo.settings.parse(settings),
  });
  return cluster;
}

/**
 * Keys written through n1 at W=2 (each its own name as value) while n3 was
 * down, n3 restarted after: a replica that missed them all.
 */
async function writtenWhileN3Down(prefix: string, count: number): Promise<string[]> {
  await cluster!.kill('n3');
  const writer = client('n1');
  const keys = Array.from({ length: count }, (_, i) => `${prefix}${i}`);
  await Promise.all(keys.map((key) => writer.put(key, key, undefined, { w: 2 })));
  await cluster!.start('n3');
  return keys;
}

stopAfterEach(() => ({ cluster, clients }));

describe('dynamo store on a real 3-node cluster', () => {
  it('keeps concurrent writes without context as siblings; a write with context resolves them', async () => {
    await start();
    const [a, b] = [client('n1'), client('n2')];
    await a.put('s', 'from-n1');
    await b.put('s', 'from-n2');
    const read = await a.get('s', { clocks: true });
    expect(read.siblings.map((s) => s.value).sort()).toEqual(['from-n1', 'from-n2']);
    // Each sibling carries its own vector clock, when asked.
    expect(read.siblings.every((s) => Object.keys(s.clock ?? {}).length > 0)).toBe(true);
    expect((await a.get('s')).siblings.map((s) => Object.keys(s))).toEqual([['value'], ['value']]);
    await b.put('s', 'merged', read.context);
    expect((await a.get('s', { r: 3 })).siblings.map((s) => s.value)).toEqual(['merged']);
  });

  it('a node restarted after kill -9 holds every write it acknowledged (fsync always)', async () => {
    await start({ fsync: 'always' });
    const writer = client('n1');
    const keys = Array.from({ length: 300 }, (_, i) => `d${i}`);
    // w=3 of n=3: every node, n2 included, acknowledged each write.
    await Promise.all(keys.map((key, i) => writer.put(key, i, undefined, { w: 3 })));
    await cluster!.kill('n2');
    await cluster!.start('n2');
    const n2 = client('n2');
    const held = await Promise.all(keys.map((key) => n2.localGet(key)));
    expect(held.map((versions) => versions.map((v) => v.value))).toEqual(keys.map((_, i) => [i]));
  });

  it('a restarted node issues its dots under a new incarnation, so none is reused', async () => {
    await start();
    const n1 = client('n1');
    const before = await n1.put('inc', 1, undefined, { clocks: true });
    expect(Object.keys(before.clock ?? {})).toContain('n1#1');
    await cluster!.kill('n1');
    await cluster!.start('n1');
    const after = await n1.put('inc', 2, undefined, { clocks: true });
    expect(Object.keys(after.clock ?? {})).toContain('n1#2');
    // Both blind writes survive as siblings: distinct dots, no collision.
    expect((await n1.get('inc', { r: 3 })).siblings.map((s) => s.value).sort()).toEqual([1, 2]);
  });

  it('read repair brings a replica that missed writes up to date', async () => {
    await start();
    const keys = await writtenWhileN3Down('r', 50);
    const writer = client('n1');
    const n3 = client('n3');
    const before = await Promise.all(keys.map((key) => n3.localGet(key)));
    expect(before.every((v) => v.length === 0)).toBe(true);
    await Promise.all(keys.map((key) => writer.get(key, { r: 3, repairSync: true })));
    const after = await Promise.all(keys.map((key) => n3.localGet(key)));
    expect(after.map((v) => v.map((x) => x.value))).toEqual(keys.map((k) => [k]));
  });

  it('a replica read answers "the same" only to the digest of what the replica holds', async () => {
    await start();
    const writer = client('n1');
    await writer.put('d', 'one', undefined, { w: 3 });
    const held = await writer.localGet('d');
    const n2 = new Connection(cluster!.nodes.find((n) => n.id === 'n2')!);
    try {
      const ask = (unless: string) => n2.request({ type: 'local-get', key: 'd', unless }, 2000);
      expect(await ask(digestOf(held))).toEqual({ same: true });
      expect(await ask('')).toEqual({ versions: held });
    } finally {
      n2.close();
    }
  });

  it("a coordinator whose own copy is behind reads the others' versions in full", async () => {
    await start();
    const keys = await writtenWhileN3Down('b', 20);
    // n3 coordinates with an empty copy, so n1 and n2 must answer in full.
    const reads = await Promise.all(keys.map((key) => client('n3').get(key, { r: 2 })));
    expect(reads.map((r) => r.siblings.map((s) => s.value))).toEqual(keys.map((k) => [k]));
  });

  it('fails a write definitely only when it never left, and as unknown when W is not met', async () => {
    await start({ replicaTimeoutMs: 300 });
    await cluster!.kill('n2');
    await cluster!.kill('n3');
    const writer = client('n1');
    // Keys whose preference list includes n1 are stored there, but W=2 is not met.
    const error = await writer.put('q', 1, undefined, { w: 2 }).catch((e) => e);
    expect(error.code).toBe('quorum');
    expect(error.definite).toBe(false);
    const down = clients.outside(cluster!.nodes[1]!);
    const refused = await down.put('q', 2).catch((e) => e);
    expect(refused.code).toBe('unreachable');
    expect(refused.definite).toBe(true);
  });
});
