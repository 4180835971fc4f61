import { execFileSync } from 'node:child_process';
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { dynamo } from '../../adapters/dynamo/index.ts';
import type { Cluster, NodeHandle } from '../../adapters/types.ts';
import { LossNemesis } from '../../chaos/loss.ts';
import { PartitionNemesis } from '../../chaos/partition.ts';
import { rootFaultBlocker } from '../../chaos/support.ts';
import { seededRng } from '../../core/rng.ts';
import { DynamoClients } from '../../dynamo/client.ts';
import { skipUnless } from '../engines.ts';
import { stopAfterEach } from '../runs.ts';
import { tempDir } from '../temp-dirs.ts';

const skip = skipUnless('partition tests', rootFaultBlocker('iptables'));

let cluster: Cluster | undefined;
let nemesis: PartitionNemesis | LossNemesis | undefined;
const clients = new DynamoClients();

const client = (node: NodeHandle) => clients.of(node, 2500);

stopAfterEach(() => ({ cluster, nemesis, clients }));

/** A real TCP connection attempt from `from` to `to`'s port. */
function reachable(from: string, to: NodeHandle, timeoutMs = 700): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: to.host, port: to.port, localAddress: from });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    setTimeout(() => done(false), timeoutMs);
  });
}

describe.skipIf(skip)('network partitions with iptables on a 5-node cluster', () => {
  it('isolate: the minority is cut off, the majority serves W=2, minority writes at W=3 fail; heal converges', async () => {
    cluster = await dynamo.provision('local', {
      nodes: 5,
      dir: tempDir('fl-part-'),
      settings: dynamo.settings.parse({ replicaTimeoutMs: 500 }),
    });
    nemesis = new PartitionNemesis('isolate');
    const fault = await nemesis.start(cluster, seededRng(1));
    const sees = fault.value.sees as Record<string, string[]>;
    const [isolatedId] = fault.value.nodes;
    expect(fault.value.nodes).toHaveLength(1);
    expect(sees[isolatedId!]).toEqual([]);
    const isolated = cluster.nodes.find((n) => n.id === isolatedId)!;
    const majority = cluster.nodes.filter((n) => n.id !== isolatedId);

    // The isolated node's worker reaches its own node and nobody else.
    expect(await reachable(isolated.clientAddress, isolated)).toBe(true);
    for (const other of majority)
      expect(await reachable(isolated.clientAddress, other)).toBe(false);
    expect(await reachable(majority[0]!.clientAddress, majority[1]!)).toBe(true);

    const keys = Array.from({ length: 40 }, (_, i) => `p${i}`);
    const majorityClient = client(majority[0]!);
    const written = await Promise.allSettled(
      keys.map((k) => majorityClient.put(k, `maj-${k}`, undefined, { w: 2 })),
    );
    expect(written.filter((r) => r.status === 'fulfilled')).toHaveLength(keys.length);

    const minorityClient = client(isolated);
    const minority = await Promise.allSettled(
      keys.slice(0, 10).map((k) => minorityClient.put(k, `min-${k}`, undefined, { w: 3 })),
    );
    expect(minority.filter((r) => r.status === 'fulfilled')).toHaveLength(0);

    await nemesis.stop();
    expect(await reachable(isolated.clientAddress, majority[0]!)).toBe(true);
    // Once every node sees the isolated one back (and stand-ins handed it
    // their hints), a full read repairs every replica; all then hold the same versions.
    await cluster.settle!(30_000);
    await Promise.all(keys.map((k) => majorityClient.get(k, { r: 3, repairSync: true })));
    const byNode = new Map(cluster.nodes.map((n) => [n.id, client(n)]));
    for (const key of keys) {
      const replicas = await majorityClient.preferenceList(key);
      const states = await Promise.all(
        replicas.map(async (id) =>
          (await byNode.get(id)!.localGet(key)).map((v) => v.value).sort(),
        ),
      );
      for (const state of states) expect(state).toEqual(states[0]);
      expect(states[0]).toContain(`maj-${key}`);
    }
  }, 60_000);

  it('heal removes every rule, the jumps and the chain', async () => {
    cluster = await dynamo.provision('local', {
      nodes: 3,
      dir: tempDir('fl-part-'),
      settings: dynamo.settings.parse(),
    });
    nemesis = new PartitionNemesis('halves');
    await nemesis.start(cluster, seededRng(2));
    expect(execFileSync('iptables', ['-S'], { encoding: 'utf8' })).toContain(
      '-A FAULTLINE -s 127.0.11.',
    );
    await nemesis.heal();
    expect(execFileSync('iptables', ['-S'], { encoding: 'utf8' })).not.toContain('FAULTLINE');
  }, 30_000);

  it('loss: each packet of the lossy node is dropped once with the probability asked', async () => {
    cluster = await dynamo.provision('local', {
      nodes: 3,
      dir: tempDir('fl-loss-'),
      settings: dynamo.settings.parse(),
    });
    nemesis = new LossNemesis(0.3);
    const fault = await nemesis.start(cluster, seededRng(5));
    const lossy = cluster.nodes.find((n) => n.id === fault.value.nodes[0])!;
    const healthy = cluster.nodes.find((n) => n.id !== lossy.id)!;
    // A connect succeeds within 250 ms only if SYN and SYN-ACK both survive:
    // (1 - 0.3)^2 = 0.49. Counting each packet twice would give 0.7^4 = 0.24.
    const attempts = 120;
    let ok = 0;
    for (let batch = 0; batch < attempts / 20; batch++) {
      const results = await Promise.all(
        Array.from({ length: 20 }, () => reachable(lossy.clientAddress, lossy, 250)),
      );
      ok += results.filter(Boolean).length;
    }
    expect(ok / attempts).toBeGreaterThan(0.33);
    expect(ok / attempts).toBeLessThan(0.66);
    const others = await Promise.all(
      Array.from({ length: 20 }, () => reachable(healthy.clientAddress, healthy, 250)),
    );
    expect(others.every(Boolean)).toBe(true);
    await nemesis.stop();
    const healed = await Promise.all(
      Array.from({ length: 20 }, () => reachable(lossy.clientAddress, lossy, 250)),
    );
    expect(healed.every(Boolean)).toBe(true);
  }, 60_000);

  it('primaries: the nodes the adapter names as primaries are each cut off alone', async () => {
    cluster = await dynamo.provision('local', {
      nodes: 5,
      dir: tempDir('fl-part-'),
      settings: dynamo.settings.parse(),
    });
    nemesis = new PartitionNemesis('primaries');
    // The built-in store is leaderless: the fault does not apply to it...
    expect(nemesis.notApplicable(cluster)).toMatch(/dynamo has no primaries/);
    // ...so here the test plays the adapter's hook, naming two primaries.
    const led: Cluster = Object.assign(Object.create(cluster) as Cluster, {
      primaries: async () => ['n2', 'n4'],
    });
    expect(nemesis.notApplicable(led)).toBeUndefined();
    const fault = await nemesis.start(led, seededRng(1));
    expect(fault.value.primaries).toEqual(['n2', 'n4']);
    expect([...fault.value.nodes].sort()).toEqual(['n2', 'n4']);
    const node = (id: string) => cluster!.nodes.find((n) => n.id === id)!;
    expect(await reachable(node('n2').clientAddress, node('n2'))).toBe(true);
    for (const other of ['n1', 'n3', 'n4', 'n5'])
      expect(await reachable(node('n2').clientAddress, node(other))).toBe(false);
    expect(await reachable(node('n1').clientAddress, node('n5'))).toBe(true);
    await nemesis.stop();
    expect(await reachable(node('n2').clientAddress, node('n4'))).toBe(true);
  }, 30_000);
});
