import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Cluster, capabilitiesOf, type System } from '../adapters/types.ts';
import { runClock } from '../core/history.ts';
import type { MetricsSummary } from '../harness/metrics.ts';
import { runSystem } from '../harness/run.ts';
import { WORKLOADS } from '../workloads/index.ts';
import { benchConfig } from './config.ts';

export const CONCURRENCY = 32;

/** One fault-free faultline workload at c=32 on an already started cluster, every op recorded. */
export async function benchWorkload(
  system: System,
  cluster: Cluster,
  workload: string,
  duration: string,
  dir: string,
  flags: Record<string, string> = {},
): Promise<MetricsSummary> {
  process.stderr.write(`bench: faultline ${workload} c=${CONCURRENCY} on ${system.name}\n`);
  const config = benchConfig({
    workload,
    systems: system.name,
    concurrency: String(CONCURRENCY),
    duration,
    out: dir,
    ...flags,
  });
  const result = await runSystem(system, {
    config,
    runDir: join(dir, workload),
    workload: WORKLOADS[workload]!.create({
      keys: 1000,
      seed: 1,
      capabilities: capabilitiesOf(system),
    }),
    clock: runClock(),
    signal: new AbortController().signal,
    log: () => {},
    onProcess: () => {},
    settings: config.configurations[system.name]?.[0]?.settings ?? {},
    cluster,
  });
  if (!result.metrics)
    throw new Error(`faultline ${workload} on ${system.name}: ${result.error ?? result.status}`);
  return result.metrics;
}

/**
 * Throughput and latency of write-heavy and read-heavy on a system's
 * default cluster (no faults), for the systems with no reference tool of
 * their own in this bench.
 */
export async function benchEngine(
  system: System,
  duration: string,
  variants: { label: string; flags: Record<string, string> }[] = [{ label: '', flags: {} }],
): Promise<void> {
  const blocker = system.blocker?.('local');
  if (blocker) {
    console.log(`\n${system.name}: skipped, it ${blocker}`);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), `faultline-bench-${system.name}-`));
  let cluster: Cluster | undefined;
  try {
    process.stderr.write(`bench: ${system.name}: starting ${nodesText(system)}\n`);
    cluster = await system.provision('local', {
      nodes: system.defaultNodes,
      dir: join(dir, 'nodes'),
      settings: {},
    });
    const rows: string[][] = [];
    for (const { label, flags } of variants) {
      for (const workload of ['write-heavy', 'read-heavy']) {
        const m = await benchWorkload(system, cluster, workload, duration, dir, flags);
        rows.push([`${workload}${label ? ` ${label}` : ''}`, fmt(m.throughput), latencies(m)]);
      }
    }
    console.log(
      `\n${system.name}: ${system.engine}, ${nodesText(system)} (${system.describe({})}), concurrency ${CONCURRENCY}; ops/s; latencies in ms\n`,
    );
    printTable(rows, [0, 2]);
  } finally {
    await cluster?.teardown();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * CONCURRENCY closed loops calling `op` one at a time for `seconds`: loop
 * `i` gets n = i, i + CONCURRENCY, ... Returns the calls per second. The
 * bare loop of the driver-alone and recording measurements.
 */
export async function closedLoops(
  seconds: number,
  op: (loop: number, n: number) => Promise<unknown>,
): Promise<number> {
  let done = 0;
  const end = Date.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async (_, i) => {
      for (let n = i; Date.now() < end; n += CONCURRENCY) {
        await op(i, n);
        done++;
      }
    }),
  );
  return done / seconds;
}

/** Read and write latency of a run, as the bench tables print them. */
export function latencies(m: MetricsSummary): string {
  const p = (f: string) => m.byF[f]?.all.latencyMs;
  return `read p50 ${p('read')?.p50 ?? '–'} · p99 ${p('read')?.p99 ?? '–'}; write p99 ${p('update')?.p99 ?? '–'}`;
}

/** Columns padded to one width; `left` columns are aligned left, the others right. */
export function printTable(rows: string[][], left: number[]): void {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const r of rows)
    console.log(
      r
        .map((c, i) => (left.includes(i) ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
        .join('  '),
    );
}

export const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

function nodesText(system: System): string {
  return `${system.defaultNodes} node${system.defaultNodes === 1 ? '' : 's'}`;
}
