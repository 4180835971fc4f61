import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pairs, parseHistory } from '../core/history.ts';
import { tsNodeArgs } from '../core/tsx.ts';
import { checkLinearizable } from '../harness/checkers/linearizable/index.ts';
import { printTable } from './engines.ts';
import {
  LIST_APPEND_BENCH,
  linearizableRegisterHistory,
  serialListAppendHistory,
} from './histories.ts';
import { writeKvHistory } from './kv-history.ts';

/**
 * Checker speed on generated linearizable register histories. The reference
 * is a linear pass over the same history (parse the JSONL and pair the ops),
 * measured in the same run, so the ratio says how much the search costs over
 * merely reading the history.
 */
export function benchCheckers(): void {
  console.log('\nlinearizability checker (register model), generated valid histories\n');
  const main = linearizableRegisterHistory({
    ops: 10_000,
    processes: 10,
    keys: 100,
    infoRate: 0.01,
    seed: 1,
  });
  const text = main.map((op) => JSON.stringify(op)).join('\n');
  const reference = best(() => pairs(parseHistory(text)));
  const check = best(() => assertValid(checkLinearizable(parseHistory(text))));
  console.log(
    `10,000 ops, 10 processes, 100 keys, 1% info: ${ms(check)} (goal < 1,000 ms); reference (parse + pair): ${ms(reference)}; ratio ${(check / reference).toFixed(1)}`,
  );

  // The worst case is one hot key: every op in one search. Double its size
  // until the 10 s budget no longer settles it.
  let settled: { ops: number; ms: number } | undefined;
  for (let ops = 1000; ops <= 256_000; ops *= 2) {
    const history = linearizableRegisterHistory({
      ops,
      processes: 10,
      keys: 1,
      infoRate: 0.01,
      seed: 2,
    });
    const started = performance.now();
    const result = checkLinearizable(history, { timeLimitMs: 10_000 });
    const elapsed = performance.now() - started;
    process.stderr.write(`bench: single key, ${ops} ops: ${result.valid} in ${ms(elapsed)}\n`);
    if (result.valid !== true) break;
    settled = { ops, ms: elapsed };
  }
  console.log(
    settled
      ? `worst single key settled within 10 s: ${settled.ops.toLocaleString('en-US')} ops (10 processes, 1% info) in ${ms(settled.ms)}`
      : 'worst single key: not even 1,000 ops settle within 10 s',
  );
  benchListAppend();
  benchKvAtScale();
}

/** The ops of the generated history of `benchKvAtScale` (FAULTLINE_BENCH_KV_OPS to change). */
const KV_OPS = Number(process.env.FAULTLINE_BENCH_KV_OPS ?? 20_000_000);

/**
 * Every checker of a write-heavy run on a generated history of 20 M ops
 * (written to a temporary file in the compact format, as runs write),
 * each in a child process so that its peak memory is its own: reading the
 * file through (the reference), then reading it into its table and
 * running lost-writes, unexpected-values, convergence, availability and
 * conflicts. Goals: at least 1 M ops/s, at most 2 GB, at most 40 bytes an
 * op on disk.
 */
function benchKvAtScale(): void {
  const dir = mkdtempSync(join(tmpdir(), 'faultline-bench-kv-'));
  const path = join(dir, 'history.jsonl');
  try {
    process.stderr.write(`bench: writing a ${KV_OPS.toLocaleString('en-US')}-op kv history\n`);
    const ops = writeKvHistory(path, { ops: KV_OPS, processes: 32, keys: 1000, nodes: 3, seed: 1 });
    const bytes = statSync(path).size;
    const child = (...args: string[]) =>
      JSON.parse(
        execFileSync(
          process.execPath,
          [
            ...tsNodeArgs(fileURLToPath(new URL('./kv-check-child.ts', import.meta.url))),
            path,
            ...args,
          ],
          { encoding: 'utf8' },
        ),
      ) as { ops: number; valid: Record<string, unknown> | null; ms: number; maxRssMb: number };
    const read = child('--read-only');
    const check = child();
    const invalid = Object.entries(check.valid ?? {}).filter(([, v]) => v !== true);
    if (invalid.length > 0)
      throw new Error(`bench kv history judged invalid by ${invalid.map(([n]) => n).join(', ')}`);
    const rate = (m: { ms: number }) => Math.round(ops / (m.ms / 1000)).toLocaleString('en-US');
    console.log(
      `\nkv checkers at scale: ${ops.toLocaleString('en-US')} ops (write-heavy, 32 processes, 1,000 keys, 3 nodes, partitions), ${(bytes / ops).toFixed(1)} bytes an op on disk (goal ≤ 40)\n`,
    );
    printTable(
      [
        ['', 'time', 'ops/s', 'peak memory'],
        [
          'read the file through (reference)',
          ms(read.ms),
          rate(read),
          `${Math.round(read.maxRssMb)} MB`,
        ],
        [
          'read into the table + lost-writes, unexpected-values, convergence, availability, conflicts',
          ms(check.ms),
          rate(check),
          `${Math.round(check.maxRssMb)} MB`,
        ],
      ],
      [0],
    );
    console.log(
      `check / reference: ${(check.ms / read.ms).toFixed(2)}× the time; goals: ≥ 1,000,000 ops/s (${rate(check)}), ≤ 2,000 MB (${Math.round(check.maxRssMb)})`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Elle's list-append checker on a serializable history of 100,000
 * transactions, in a child process so that its peak memory is its own.
 */
function benchListAppend(): void {
  const history = serialListAppendHistory(LIST_APPEND_BENCH);
  const text = history.map((op) => JSON.stringify(op)).join('\n');
  const reference = best(() => pairs(parseHistory(text)));
  const child = execFileSync(
    process.execPath,
    tsNodeArgs(fileURLToPath(new URL('./list-append-child.ts', import.meta.url))),
    {
      encoding: 'utf8',
    },
  );
  const measured = JSON.parse(child) as { valid: unknown; ms: number; maxRssMb: number };
  assertValid(measured);
  console.log(
    `\nlist-append (Elle) checker, 100,000 serializable transactions of 1-4 micro-ops: ${ms(measured.ms)} (goal < 10,000 ms); reference (parse + pair): ${ms(reference)}; ratio ${(measured.ms / reference).toFixed(1)}; peak memory of the checking process (history included) ${Math.round(measured.maxRssMb)} MB (goal < 2,000 MB)`,
  );
}

function assertValid(result: { valid: unknown }): void {
  if (result.valid !== true)
    throw new Error(`bench history judged ${result.valid}; the generator or the checker is wrong`);
}

/** Best of three runs, in ms (the first warms the JIT). */
function best(run: () => unknown): number {
  let fastest = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 3; i++) {
    const started = performance.now();
    run();
    fastest = Math.min(fastest, performance.now() - started);
  }
  return fastest;
}

const ms = (value: number) => `${Math.round(value).toLocaleString('en-US')} ms`;
