import { describe, expect, it } from 'vitest';
import { dynamo } from '../../adapters/dynamo/index.ts';
import type { Cluster } from '../../adapters/types.ts';
import { DynamoClients } from '../../dynamo/client.ts';
import type { StatusResult } from '../../dynamo/protocol.ts';
import { stopAfterEach } from '../runs.ts';
import { tempDir } from '../temp-dirs.ts';

// Merkle-tree anti-entropy on real node processes of dynamo/server.ts,
// with read repair off: nothing else brings a replica that missed writes
// up to date (3 nodes at N=3 leave no one to stand in, so no hints either).
let cluster: Cluster | undefined;
const clients = new DynamoClients();

stopAfterEach(() => ({ cluster, clients }));

const node = (id: string) => cluster!.nodes.find((n) => n.id === id)!;

describe('anti-entropy on 3 real nodes', () => {
  it('replicas made divergent on purpose converge through anti-entropy alone, read repair off', async () => {
    cluster = await dynamo.provision('local', {
      nodes: 3,
      dir: tempDir('fl-ae-'),
      settings: dynamo.settings.parse({
        readRepair: 'off',
        antiEntropyIntervalMs: 300,
        replicaTimeoutMs: 500,
      }),
    });
    // n3 misses the k keys, n1 the j keys: each direction has something to repair.
    const k = Array.from({ length: 1000 }, (_, i) => `k${i}`);
    const j = Array.from({ length: 200 }, (_, i) => `j${i}`);
    await cluster.kill('n3');
    const viaN1 = clients.of(node('n1'), 5000);
    await Promise.all(k.map((key) => viaN1.put(key, key, undefined, { w: 2 })));
    await cluster.kill('n1');
    await cluster.start('n3');
    const viaN2 = clients.of(node('n2'), 5000);
    await Promise.all(j.map((key) => viaN2.put(key, key, undefined, { w: 2 })));
    const started = Date.now();
    await cluster.start('n1');

    const replicas = ['n1', 'n2', 'n3'].map((id) => clients.outside(node(id)));
    const missing = async () => {
      let count = 0;
      for (const replica of replicas)
        for (const key of [...k, ...j]) if ((await replica.localGet(key)).length !== 1) count++;
      return count;
    };
    const deadline = Date.now() + 60_000;
    let left = await missing();
    while (left > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      left = await missing();
    }
    const took = Date.now() - started;
    const statuses: StatusResult[] = await Promise.all(replicas.map((c) => c.status()));
    const sum = (f: (s: StatusResult) => number) => statuses.reduce((n, s) => n + f(s), 0);
    console.info(
      `anti-entropy: 1,200 divergent keys converged ${took} ms after the restart; ` +
        `${sum((s) => s.antiEntropy.keysRepaired)} keys repaired in ${sum((s) => s.antiEntropy.rounds)} rounds, ` +
        `${sum((s) => s.antiEntropy.bytesSent)} bytes sent, ${sum((s) => s.antiEntropy.rangesDiffering)} of ${sum((s) => s.antiEntropy.rangesCompared)} ranges compared differed`,
    );
    expect(left).toBe(0);
    expect(statuses.every((s) => !s.readRepair)).toBe(true);
    expect(sum((s) => s.hints.created)).toBe(0);
    expect(sum((s) => s.antiEntropy.keysRepaired)).toBeGreaterThanOrEqual(k.length + j.length);
    // Each replica holds the very version written, not a copy of its own.
    for (const key of [...k.slice(0, 20), ...j.slice(0, 20)]) {
      const held = await Promise.all(replicas.map((r) => r.localGet(key)));
      expect(held.map((h) => h.map((x) => x.value))).toEqual([[key], [key], [key]]);
      expect(new Set(held.map((h) => `${h[0]!.dot.node}:${h[0]!.dot.counter}`)).size).toBe(1);
    }
  }, 120_000);
});
