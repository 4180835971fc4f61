import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dynamo } from '../adapters/dynamo/index.ts';
import { redisBlocker } from '../adapters/redis-cluster/engine.ts';
import { redisCluster } from '../adapters/redis-cluster/index.ts';
import type { Cluster, System } from '../adapters/types.ts';
import type { MetricsSummary } from '../harness/metrics.ts';
import { benchWorkload, CONCURRENCY, fmt, printTable } from './engines.ts';

/** Pairs measured per workload; the goal is judged on their medians. */
const ROUNDS = 3;

/** The op whose p99 each workload is judged by: its most frequent one. */
const JUDGED: Record<string, string> = { 'write-heavy': 'update', 'read-heavy': 'read' };

/**
 * How the store's requests are coordinated, each on its own fresh cluster:
 * by its clients (as Redis Cluster's clients route each key to its master
 * themselves), then by the node a worker is pinned to (the default).
 */
const COORDINATIONS = ['client', 'node'] as const;
type Coordination = (typeof COORDINATIONS)[number];

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
  const workloads = ['write-heavy', 'read-heavy'];
  const pairs = new Map<string, Pair[]>(workloads.map((w) => [w, []]));
  try {
    for (let round = 1; round <= ROUNDS; round++) {
      // Fresh clusters each round: the store keeps every sibling its blind
      // loads and updates make, so a round on the last one's keys is
      // slower than the one before it (0.45, then 0.37 and 0.38).
      for (const [workload, pair] of await measureRound(join(dir, `round-${round}`), workloads))
        pairs.get(workload)!.push(pair);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const rows: string[][] = [
    ['case', 'ops/s', 'vs redis', 'p99 ms', 'vs redis', 'rounds (ops/s, p99 vs redis)', ''],
  ];
  for (const [workload, measured] of pairs) {
    const p99 = (m: MetricsSummary) => m.byF[JUDGED[workload]!]?.all.latencyMs?.p99 ?? Number.NaN;
    rows.push([
      `redis-cluster ${workload} (reference)`,
      fmt(median(measured.map((p) => p.redis.throughput))),
      'ref',
      median(measured.map((p) => p99(p.redis))).toFixed(2),
      'ref',
      '',
      '',
    ]);
    for (const coordination of COORDINATIONS) {
      const ratios = measured.map((p) => ({
        throughput: p.store[coordination].throughput / p.redis.throughput,
        p99: p99(p.store[coordination]) / p99(p.redis),
      }));
      const throughput = median(ratios.map((r) => r.throughput));
      const latency = median(ratios.map((r) => r.p99));
      const each = ratios.map((r) => `${r.throughput.toFixed(2)}, ${r.p99.toFixed(2)}`).join(' | ');
      rows.push([
        `store ${workload}, ${coordination}-coordinated`,
        fmt(median(measured.map((p) => p.store[coordination].throughput))),
        throughput.toFixed(2),
        median(measured.map((p) => p99(p.store[coordination]))).toFixed(2),
        latency.toFixed(2),
        each,
        throughput >= 0.5 && latency <= 2 ? 'goal met' : 'goal not met',
      ]);
    }
  }
  console.log(
    `\nthe store (3 nodes, N=3/R=2/W=2, --fsync=interval; coordinated by its clients, --coordination=client, and by the nodes, the default) against Redis Cluster (6 nodes, appendfsync everysec), all through faultline, concurrency ${CONCURRENCY}, ${ROUNDS} rounds on fresh clusters, ${duration} s per workload and system (Redis, then the store each way); p99 of updates (write-heavy) and reads (read-heavy); medians over the rounds, ratios to the same round's Redis; goal ≥ 0.50 of Redis's ops/s and ≤ 2.00× its p99\n`,
  );
  printTable(rows, [0, 5, 6]);

  /** One round: both clusters started, each workload on Redis then on the store, both stopped. */
  async function measureRound(at: string, names: string[]): Promise<Map<string, Pair>> {
    const clusters: Cluster[] = [];
    try {
      process.stderr.write(
        'bench: store vs redis: starting 6 redis nodes and two stores of 3 nodes\n',
      );
      const redis = await redisCluster.provision('local', {
        nodes: 6,
        dir: join(at, 'redis'),
        settings: redisCluster.settings.parse({ appendfsync: 'everysec' }),
      });
      clusters.push(redis);
      const stores = {} as Record<Coordination, Cluster>;
      for (const [i, coordination] of COORDINATIONS.entries()) {
        stores[coordination] = await dynamo.provision('local', {
          nodes: 3,
          dir: join(at, `store-${coordination}`),
          // Side by side on the same addresses, so each on its own port.
          settings: dynamo.settings.parse({ fsync: 'interval', coordination, port: 7000 + i }),
        });
        clusters.push(stores[coordination]);
      }
      const measured = new Map<string, Pair>();
      for (const workload of names) {
        // Redis, then the store, back to back: a slower stretch of the
        // machine falls on both sides of a pair.
        const measure = (
          system: System,
          cluster: Cluster,
          flags: Record<string, string>,
          out: string,
        ) => benchWorkload(system, cluster, workload, duration, join(at, out), flags);
        const redisRun = await measure(
          redisCluster,
          redis,
          { redisAppendfsync: 'everysec' },
          'redis',
        );
        const store = {} as Record<Coordination, MetricsSummary>;
        for (const coordination of COORDINATIONS) {
          store[coordination] = await measure(
            dynamo,
            stores[coordination],
            { fsync: 'interval', coordination },
            `store-${coordination}`,
          );
        }
        measured.set(workload, { redis: redisRun, store });
      }
      return measured;
    } finally {
      for (const cluster of clusters) await cluster.teardown();
    }
  }
}

interface Pair {
  redis: MetricsSummary;
  store: Record<Coordination, MetricsSummary>;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
