import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client, Completion, Invocation, NodeHandle } from '../adapters/types.ts';
import { HistoryWriter, runClock } from '../harness/history.ts';
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
  const direct = await measure(seconds, false);
  const recorded = await measure(seconds, true);
  console.log(
    `\nrecording cost per op: ${CONCURRENCY} workers, a client that answers on the next event-loop turn, no database; CPU in µs per op\n`,
  );
  printTable(
    [
      [
        'client called directly (reference)',
        `${fmt(direct.rate)} ops/s`,
        `${direct.cpuUs.toFixed(2)} µs`,
      ],
      [
        'through Worker.execute, every op recorded',
        `${fmt(recorded.rate)} ops/s`,
        `${recorded.cpuUs.toFixed(2)} µs`,
      ],
      ['recording alone', '', `${(recorded.cpuUs - direct.cpuUs).toFixed(2)} µs`],
    ],
    [0],
  );
}

const node: NodeHandle = { id: 'n1', host: '127.0.0.1', port: 0, clientAddress: '127.0.0.1' };

const instant: Client = {
  invoke: (op: Invocation) =>
    new Promise<Completion>((resolve) => setImmediate(resolve, { type: 'ok', value: op.value })),
  close: async () => {},
};

async function measure(seconds: number, record: boolean): Promise<{ rate: number; cpuUs: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'faultline-bench-recording-'));
  const clock = runClock();
  const history = new HistoryWriter(join(dir, 'history.jsonl'), clock);
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
      return record ? workers[i]!.execute(op, { metrics, phase: 'healthy' }) : instant.invoke(op);
    });
  } finally {
    history.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const used = process.cpuUsage(cpu);
  return { rate, cpuUs: (used.user + used.system) / (rate * seconds) };
}
