import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SYSTEMS } from '../adapters/index.ts';
import { compare } from '../harness/compare.ts';
import type { SystemResult } from '../harness/run.ts';
import { renderReport } from '../reports/html.ts';
import { benchCheckers } from './checkers.ts';
import { benchConfig } from './config.ts';
import { benchEngine } from './engines.ts';
import { benchPorcupine } from './porcupine.ts';
import { benchRecording } from './recording.ts';
import { benchRedis } from './redis.ts';
import { benchReport } from './report.ts';
import { benchStoreMoves } from './store-moves.ts';
import { benchStoreVsRedis } from './store-vs-redis.ts';

/**
 * `npm run bench`: throughput and latency of the built-in store, printed as
 * figures and as ratios against a reference measured in the same run (one
 * node, N=R=W=1: the same server with no replication), so numbers from
 * machines of different speed can be compared by their ratios.
 */
interface Case {
  workload: string;
  concurrency: number;
  nodes: number;
  quorum: { n: number; r: number; w: number };
  reference?: boolean;
}

const WORKLOADS = ['write-heavy', 'read-heavy'];

export async function bench(options: {
  duration: string;
  only?: string;
  porcupine?: string;
}): Promise<void> {
  if (!options.only || options.only === 'store') await benchStore(options);
  if (!options.only || options.only === 'store-moves') await benchStoreMoves();
  if (!options.only || options.only === 'store-vs-redis') await benchStoreVsRedis(options.duration);
  if (!options.only || options.only === 'recording') await benchRecording(options.duration);
  if (!options.only || options.only === 'redis') await benchRedis(options.duration);
  for (const name of ['mysql-cluster', 'mysql-async', 'couchdb', 'mongodb'])
    if (!options.only || options.only === name) await benchEngine(SYSTEMS[name]!, options.duration);
  // Consistency is the client's choice: both levels on one cluster.
  if (!options.only || options.only === 'cassandra')
    await benchEngine(SYSTEMS.cassandra!, options.duration, [
      { label: 'at ONE', flags: { cassandraConsistency: 'one' } },
      { label: 'at QUORUM', flags: { cassandraConsistency: 'quorum' } },
    ]);
  if (!options.only || options.only === 'checkers') benchCheckers();
  if (!options.only || options.only === 'porcupine')
    benchPorcupine(options.porcupine ?? process.env.FAULTLINE_PORCUPINE);
  if (!options.only || options.only === 'report') await benchReport();
}

async function benchStore(options: { duration: string }): Promise<void> {
  const cases: Case[] = WORKLOADS.flatMap((workload) => [
    { workload, concurrency: 32, nodes: 1, quorum: { n: 1, r: 1, w: 1 }, reference: true },
    ...[32, 64].map((concurrency) => ({
      workload,
      concurrency,
      nodes: 3,
      quorum: { n: 3, r: 2, w: 2 },
    })),
    // More nodes at the same N: each node coordinates and stores less of
    // the load, but on one machine they share the same cores.
    { workload, concurrency: 32, nodes: 5, quorum: { n: 3, r: 2, w: 2 } },
  ]);
  const out = mkdtempSync(join(tmpdir(), 'faultline-bench-'));
  const rows: string[][] = [];
  let reference: SystemResult | undefined;
  try {
    for (const c of cases) {
      const label = `${c.workload} c=${c.concurrency} ${c.nodes} node(s) N=${c.quorum.n}/R=${c.quorum.r}/W=${c.quorum.w}`;
      process.stderr.write(`bench: ${label}${c.reference ? ' (reference)' : ''}\n`);
      const config = benchConfig({
        workload: c.workload,
        systems: 'dynamo',
        nodes: String(c.nodes),
        concurrency: String(c.concurrency),
        duration: options.duration,
        out,
        label: 'bench',
        ...Object.fromEntries(Object.entries(c.quorum).map(([k, v]) => [k, String(v)])),
      });
      const { results } = await compare(config, { log: () => {}, renderReport });
      const result = results.systems[0]!;
      if (result.status !== 'complete' || !result.metrics) {
        throw new Error(`bench run failed: ${result.error ?? result.status}`);
      }
      if (c.reference) reference = result;
      rows.push(row(label, result, c.reference ? undefined : reference));
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  const header = ['case', 'ops/s', 'vs ref', 'read p50', 'read p99', 'write p50', 'write p99'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log(
    `\nbuilt-in store, ${options.duration} s per case, latencies in ms; "vs ref" = throughput / the reference (1 node, N=R=W=1) of the same workload\n`,
  );
  console.log(line(header));
  for (const r of rows) console.log(line(r));
}

function row(label: string, result: SystemResult, reference: SystemResult | undefined): string[] {
  const m = result.metrics!;
  const write = m.byF.update ?? m.byF.insert;
  const lat = (o: typeof write, k: 'p50' | 'p99') =>
    o?.all.latencyMs ? o.all.latencyMs[k].toFixed(2) : '–';
  return [
    label,
    Math.round(m.throughput).toLocaleString('en-US'),
    reference ? (m.throughput / reference.metrics!.throughput).toFixed(2) : 'ref',
    lat(m.byF.read, 'p50'),
    lat(m.byF.read, 'p99'),
    lat(write, 'p50'),
    lat(write, 'p99'),
  ];
}
