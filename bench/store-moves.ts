import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dynamo } from '../adapters/dynamo/index.ts';
import type { Cluster, NodeHandle } from '../adapters/types.ts';
import { type DynamoClient, DynamoClients } from '../dynamo/client.ts';
import type { StatusResult } from '../dynamo/protocol.ts';
import { fmt, printTable } from './engines.ts';

/** Client loops that write the keys: enough to keep 3 nodes busy. */
const WRITERS = 64;

/**
 * How fast the store moves data by its own machinery, each against the
 * rate at which clients wrote the same keys in the same run (the
 * reference): anti-entropy repairing a replica that missed 10,000 writes
 * (read repair off, so nothing else copies them), and a new node taking
 * its share of 100,000 keys (join streaming).
 */
export async function benchStoreMoves(): Promise<void> {
  const rows: string[][] = [['case', 'keys', 'seconds', 'keys/s', 'vs writes', 'detail']];
  rows.push(...(await antiEntropy(10_000)));
  rows.push(...(await joinShare(100_000)));
  console.log(
    '\nbuilt-in store, data moved by its own machinery (3 nodes, N=3/R=2/W=2); "vs writes" = keys/s / the clients\' write rate of the same keys in the same run\n',
  );
  printTable(rows, [0, 5]);
}

async function antiEntropy(count: number): Promise<string[][]> {
  return withCluster('anti-entropy', { readRepair: 'off' }, async (cluster, clients) => {
    const keys = Array.from({ length: count }, (_, i) => `ae${i}`);
    await cluster.kill('n3');
    const wrote = await writeAll(clients.outside(node(cluster, 'n1'), 10_000), keys, 2);
    const before = await statuses(cluster, clients);
    const started = performance.now();
    await cluster.start('n3');
    const n3 = clients.outside(node(cluster, 'n3'), 10_000);
    // keys counts every key the node holds: once it holds all, it is repaired.
    await until(`n3 to hold all ${count} keys`, async () => (await n3.status()).keys >= count);
    const seconds = (performance.now() - started) / 1000;
    const after = await statuses(cluster, clients);
    const sum = (f: (s: StatusResult) => number) =>
      after.reduce((n, s) => n + f(s), 0) - before.reduce((n, s) => n + f(s), 0);
    const bytes = sum((s) => s.antiEntropy.bytesSent + s.antiEntropy.bytesReceived);
    return [
      [
        'client writes at W=2, n3 down (reference)',
        fmt(count),
        wrote.toFixed(1),
        fmt(count / wrote),
        'ref',
        '',
      ],
      [
        'anti-entropy repairs n3 (restart to all held)',
        fmt(count),
        seconds.toFixed(1),
        fmt(count / seconds),
        (wrote / seconds).toFixed(2),
        `${fmt(sum((s) => s.antiEntropy.keysRepaired))} keys repaired in ${fmt(sum((s) => s.antiEntropy.rounds))} rounds, ${(bytes / 1e6).toFixed(1)} MB sent and received (${Math.round(bytes / count)} bytes a key)`,
      ],
    ];
  });
}

async function joinShare(count: number): Promise<string[][]> {
  return withCluster('join', {}, async (cluster, clients) => {
    const keys = Array.from({ length: count }, (_, i) => `j${i}`);
    const wrote = await writeAll(clients.outside(node(cluster, 'n1'), 10_000), keys, 3);
    const started = performance.now();
    const joined = await cluster.membership!.grow();
    const seconds = (performance.now() - started) / 1000;
    const held = (await clients.outside(node(cluster, joined), 10_000).status()).keys;
    return [
      [
        'client writes at W=3 (reference)',
        fmt(count),
        wrote.toFixed(1),
        fmt(count / wrote),
        'ref',
        '',
      ],
      [
        `${joined} joins: start to serving its share`,
        fmt(held),
        seconds.toFixed(1),
        fmt(held / seconds),
        (held / seconds / (count / wrote)).toFixed(2),
        `${joined} came to hold ${fmt(held)} of ${fmt(count)} keys (${((held / count) * 100).toFixed(0)}%)`,
      ],
    ];
  });
}

/** Clients of a bench cluster, closed with it. */
async function withCluster(
  name: string,
  settings: Record<string, unknown>,
  body: (cluster: Cluster, clients: DynamoClients) => Promise<string[][]>,
): Promise<string[][]> {
  process.stderr.write(`bench: store ${name}: starting 3 nodes\n`);
  const dir = mkdtempSync(join(tmpdir(), `faultline-bench-${name}-`));
  const clients = new DynamoClients();
  let cluster: Cluster | undefined;
  try {
    cluster = await dynamo.provision('local', {
      nodes: 3,
      dir,
      settings: dynamo.settings.parse(settings),
    });
    return await body(cluster, clients);
  } finally {
    clients.closeAll();
    await cluster?.teardown();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Writes every key (its own name as value) in WRITERS loops; the seconds it took. */
async function writeAll(client: DynamoClient, keys: string[], w: number): Promise<number> {
  process.stderr.write(`bench: writing ${fmt(keys.length)} keys at W=${w}\n`);
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: WRITERS }, async () => {
      while (next < keys.length) {
        const key = keys[next++]!;
        await client.put(key, key, undefined, { w });
      }
    }),
  );
  return (performance.now() - started) / 1000;
}

/** Each running node's status (a restarted node's counters begin again at 0). */
function statuses(cluster: Cluster, clients: DynamoClients): Promise<StatusResult[]> {
  return Promise.all(
    cluster.nodes.filter((n) => cluster.isUp(n.id)).map((n) => clients.outside(n, 10_000).status()),
  );
}

function node(cluster: Cluster, id: string): NodeHandle {
  return cluster.nodes.find((n) => n.id === id)!;
}

async function until(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs = 600_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`bench: ${what}: not after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
