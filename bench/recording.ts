import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client, Completion, Invocation, NodeHandle } from '../adapters/types.ts';
import { HistoryWriter, runClock } from '../core/history.ts';
import { Metrics } from '../harness/metrics.ts';
import { Worker } from '../harness/worker.ts';
import { CONCURRENCY, closedLoops, fmt, printTable } from './engines.ts';

/**
 * What recording costs per op, with no database: 32 workers through
 * Worker.execute (two history lines, latency histograms, the safety timer)
 * on a client that answers in the next turn of the event loop, against the
 * same loops calling that client directly. The difference is faultline's
 * own CPU per op, the part of the Redis ratio that is the harness's.
 */
export async function benchRecording(duration: string): Promise<void> {
  const seconds = Math.min(5, Number.parseFloat(duration));
  process.stderr.write(`bench: recording cost, ${CONCURRENCY} workers, no database\n`);
  const direct = await measure(seconds, undefined);
  // Alternated, so that a slower stretch of the machine does not fall on one format.
  const jsonl = [await measure(seconds / 2, 1)];
  const compact = [await measure(seconds / 2, 2)];
  jsonl.push(await measure(seconds / 2, 1));
  compact.push(await measure(seconds / 2, 2));
  const [v1, v2] = [mean(jsonl), mean(compact)];
  console.log(
    `\nrecording cost per op: ${CONCURRENCY} workers, a client that answers on the next event-loop turn, no database; CPU in µs per op, history bytes per op (two lines)\n`,
  );
  const cost = (m: Measured) => (m.cpuUs - direct.cpuUs).toFixed(2);
  printTable(
    [
      ['', 'ops/s', 'CPU/op', 'recording alone', 'bytes/op'],
      ['client called directly', fmt(direct.rate), `${direct.cpuUs.toFixed(2)} µs`, '', ''],
      [
        'recorded, one JSON object per line (format 1, reference)',
        fmt(v1.rate),
        `${v1.cpuUs.toFixed(2)} µs`,
        `${cost(v1)} µs`,
        v1.bytesPerOp.toFixed(1),
      ],
      [
        'recorded, compact (format 2, the default)',
        fmt(v2.rate),
        `${v2.cpuUs.toFixed(2)} µs`,
        `${cost(v2)} µs`,
        v2.bytesPerOp.toFixed(1),
      ],
    ],
    [0],
  );
  console.log(
    `compact / reference: ${(v2.cpuUs / v1.cpuUs).toFixed(2)}× CPU per op (goal ≤ 1.10), ${(v2.bytesPerOp / v1.bytesPerOp).toFixed(2)}× bytes`,
  );
}

interface Measured {
  rate: number;
  cpuUs: number;
  bytesPerOp: number;
}

function mean(runs: Measured[]): Measured {
  const avg = (f: (m: Measured) => number) => runs.reduce((s, m) => s + f(m), 0) / runs.length;
  return {
    rate: avg((m) => m.rate),
    cpuUs: avg((m) => m.cpuUs),
    bytesPerOp: avg((m) => m.bytesPerOp),
  };
}

const node: NodeHandle = { id: 'n1', host: '127.0.0.1', port: 0, clientAddress: '127.0.0.1' };

const instant: Client = {
  invoke: (op: Invocation) =>
    new Promise<Completion>((resolve) => setImmediate(resolve, { type: 'ok', value: op.value })),
  close: async () => {},
};

/** `format`: the history format recorded in; none calls the client directly. */
async function measure(seconds: number, format: 1 | 2 | undefined): Promise<Measured> {
  const dir = mkdtempSync(join(tmpdir(), 'faultline-bench-recording-'));
  const clock = runClock();
  const path = join(dir, 'history.jsonl');
  const history = new HistoryWriter(path, clock, { format: format ?? 2 });
  const metrics = new Metrics(clock());
  let next = CONCURRENCY;
  const context = { history, clock, newProcess: () => next++ };
  const workers = Array.from(
    { length: CONCURRENCY },
    (_, i) => new Worker(i, node, instant, context),
  );
  const cpu = process.cpuUsage();
  let rate: number;
  try {
    rate = await closedLoops(seconds, (i, n) => {
      const op: Invocation = { f: 'update', key: `k${n % 1000}`, value: n };
      return format ? workers[i]!.execute(op, { metrics, phase: 'healthy' }) : instant.invoke(op);
    });
  } finally {
    history.close();
  }
  const used = process.cpuUsage(cpu);
  const bytes = statSync(path).size;
  rmSync(dir, { recursive: true, force: true });
  return {
    rate,
    cpuUs: (used.user + used.system) / (rate * seconds),
    bytesPerOp: bytes / (rate * seconds),
  };
}
