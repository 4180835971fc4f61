import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Cluster as IoCluster } from 'ioredis';
import { redisBlocker } from '../adapters/redis-cluster/engine.ts';
import { redisCluster } from '../adapters/redis-cluster/index.ts';
import type { Cluster } from '../adapters/types.ts';
import { findOnPath } from '../core/tools.ts';
import { benchWorkload, CONCURRENCY, closedLoops, fmt, latencies, printTable } from './engines.ts';

const run = promisify(execFile);

/**
 * faultline's own overhead on Redis Cluster: redis-benchmark (no pipelining)
 * and faultline's workloads at the same concurrency against the same
 * cluster in the same run. faultline records every op in the history and
 * checks it; the ratio says what that costs.
 */
export async function benchRedis(duration: string): Promise<void> {
  const blocker = redisBlocker();
  const benchmark = findOnPath('redis-benchmark', ['/usr/bin']);
  if (blocker || !benchmark) {
    console.log(`\nredis-cluster: skipped, it ${blocker ?? 'needs redis-benchmark (redis-tools)'}`);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'faultline-bench-redis-'));
  let cluster: Cluster | undefined;
  try {
    process.stderr.write('bench: redis-cluster: starting 6 nodes\n');
    cluster = await redisCluster.provision('local', {
      nodes: 6,
      dir: join(dir, 'nodes'),
      settings: redisCluster.settings.parse(),
    });
    const node = cluster.nodes[0]!;
    process.stderr.write(`bench: redis-benchmark --cluster -c ${CONCURRENCY} -t set,get\n`);
    const { stdout } = await run(
      benchmark,
      [
        '--cluster',
        '-h',
        node.host,
        '-p',
        String(node.port),
        '-c',
        String(CONCURRENCY),
        '-n',
        '200000',
        '-r',
        '1000',
        '-t',
        'set,get',
        '-q',
      ],
      { timeout: 120_000 },
    );
    const rate = (name: string) =>
      Number(new RegExp(`${name}: ([\\d.]+) requests per second`).exec(stdout)?.[1] ?? Number.NaN);
    const p99 = (name: string) =>
      new RegExp(`${name}: [^\\n]*p50=([\\d.]+)`).exec(stdout)?.[1] ?? '–';
    const rows: string[][] = [
      ['redis-benchmark SET (reference)', fmt(rate('SET')), 'ref', `p50 ${p99('SET')}`],
      ['redis-benchmark GET (reference)', fmt(rate('GET')), 'ref', `p50 ${p99('GET')}`],
    ];
    for (const command of ['SET', 'GET'] as const) {
      const driver = await driverAlone(cluster, command, Number.parseFloat(duration));
      rows.push([
        `ioredis alone ${command} (no harness)`,
        fmt(driver),
        (driver / rate(command)).toFixed(2),
        'the 6 pinned clients faultline uses, 32 loops',
      ]);
    }
    for (const [workload, reference] of [
      ['write-heavy', 'SET'],
      ['read-heavy', 'GET'],
    ] as const) {
      const m = await benchWorkload(redisCluster, cluster, workload, duration, dir);
      rows.push([
        `faultline ${workload} (every op recorded)`,
        fmt(m.throughput),
        (m.throughput / rate(reference)).toFixed(2),
        latencies(m),
      ]);
    }
    console.log(
      `\nRedis Cluster (6 nodes, 3 masters), concurrency ${CONCURRENCY}, no pipelining; "vs ref" = ops/s / redis-benchmark's (SET for write-heavy, GET for read-heavy); goal ≥ 0.50; "ioredis alone" is the Node driver with no harness, the ceiling faultline's own cost is measured against; latencies in ms\n`,
    );
    printTable(rows, [0, 3]);
  } finally {
    await cluster?.teardown();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The official Node driver on its own: one ioredis cluster client per
 * node (as faultline's workers share them), 32 loops of SET or GET, no
 * history, for `seconds`. What faultline could reach if its own cost were
 * nothing.
 */
async function driverAlone(
  cluster: Cluster,
  command: 'SET' | 'GET',
  seconds: number,
): Promise<number> {
  process.stderr.write(`bench: ioredis alone, ${command} c=${CONCURRENCY}\n`);
  const clients = cluster.nodes.map(
    () =>
      new IoCluster(
        cluster.nodes.map((n) => ({ host: n.host, port: n.port })),
        { enableAutoPipelining: false },
      ),
  );
  try {
    return await closedLoops(seconds, (i, n) => {
      const client = clients[i % clients.length]!;
      const key = `alone${n % 1000}`;
      return command === 'SET' ? client.set(key, String(n)) : client.get(key);
    });
  } finally {
    for (const client of clients) client.disconnect();
  }
}
