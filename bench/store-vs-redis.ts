import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dynamo } from '../adapters/dynamo/index.ts';
import { redisBlocker } from '../adapters/redis-cluster/engine.ts';
import { redisCluster } from '../adapters/redis-cluster/index.ts';
import type { Cluster, System } from '../adapters/types.ts';
import type { MetricsSummary } from '../harness/metrics.ts';
import { benchWorkload, CONCURRENCY, fmt, printTable } from './engines.ts';

/** The op whose p99 each workload is judged by: its most frequent one. */
const JUDGED: Record<string, string> = { 'write-heavy': 'update', 'read-heavy': 'read' };

/**
 * The built-in store against Redis Cluster through faultline, every op
 * recorded, on one machine in one run, at the same durability: the store at
 * N=3/R=2/W=2 fsyncing its log once a second (`--fsync=interval`), Redis
 * with its AOF at `appendfsync everysec` (6 nodes, a replica per master).
 * Redis is the reference. Goal: the store at ≥ 0.5 of Redis's throughput,
 * its p99 at most 2×.
 */
export async function benchStoreVsRedis(duration: string): Promise<void> {
  const blocker = redisBlocker();
  if (blocker) {
    console.log(`\nstore vs redis-cluster: skipped, redis-cluster ${blocker}`);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'faultline-bench-vs-redis-'));
  const clusters: Cluster[] = [];
  try {
    process.stderr.write('bench: store vs redis: starting 6 redis nodes and 3 store nodes\n');
    const redis = await redisCluster.provision('local', {
      nodes: 6,
      dir: join(dir, 'redis'),
      settings: redisCluster.settings.parse({ appendfsync: 'everysec' }),
    });
    clusters.push(redis);
    const store = await dynamo.provision('local', {
      nodes: 3,
      dir: join(dir, 'store'),
      settings: dynamo.settings.parse({ fsync: 'interval' }),
    });
    clusters.push(store);
    const rows: string[][] = [['case', 'ops/s', 'vs redis', 'p99 ms', 'vs redis', '']];
    for (const workload of ['write-heavy', 'read-heavy']) {
      // Redis first, then the store, for each workload: a slower stretch of
      // the machine falls on both sides in turn.
      const measure = (system: System, cluster: Cluster, flags: Record<string, string>) =>
        benchWorkload(system, cluster, workload, duration, join(dir, system.name), flags);
      const r = await measure(redisCluster, redis, { redisAppendfsync: 'everysec' });
      const s = await measure(dynamo, store, { fsync: 'interval' });
      const p99 = (m: MetricsSummary) => m.byF[JUDGED[workload]!]?.all.latencyMs?.p99 ?? Number.NaN;
      rows.push(
        [
          `redis-cluster ${workload} (reference)`,
          fmt(r.throughput),
          'ref',
          p99(r).toFixed(2),
          'ref',
          '',
        ],
        [
          `store ${workload}`,
          fmt(s.throughput),
          (s.throughput / r.throughput).toFixed(2),
          p99(s).toFixed(2),
          (p99(s) / p99(r)).toFixed(2),
          s.throughput / r.throughput >= 0.5 && p99(s) / p99(r) <= 2 ? 'goal met' : 'goal not met',
        ],
      );
    }
    console.log(
      `\nthe store (3 nodes, N=3/R=2/W=2, --fsync=interval) against Redis Cluster (6 nodes, appendfsync everysec), both through faultline, concurrency ${CONCURRENCY}, ${duration} s each; p99 of updates (write-heavy) and reads (read-heavy); goal ≥ 0.50 of Redis's ops/s and ≤ 2.00× its p99\n`,
    );
    printTable(rows, [0, 5]);
  } finally {
    for (const cluster of clusters) await cluster.teardown();
    rmSync(dir, { recursive: true, force: true });
  }
}
