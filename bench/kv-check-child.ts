import { readHistoryFile } from '../core/history-reader.ts';
import { OpTable } from '../core/op-table.ts';
import { checkRecorded, runPlan } from '../harness/check.ts';
import { WORKLOADS } from '../workloads/index.ts';
import { peakRssMb } from './peak-rss.ts';

/**
 * Run in its own process by bench/checkers.ts on a generated history
 * (argv[2]), so that its peak memory is the check's alone: the history
 * read into its table, then every checker a write-heavy run applies
 * (lost-writes, unexpected-values, convergence, availability, conflicts).
 * With `--read-only`, only reads the file through (the reference).
 */
const path = process.argv[2]!;
const started = performance.now();
let ops = 0;
let valid: unknown = null;
if (process.argv[3] === '--read-only') readHistoryFile(path, () => ops++);
else {
  const table = OpTable.read(path);
  ops = table.length;
  const workload = WORKLOADS['write-heavy']!.create({ keys: 1000, seed: 0 });
  const results = checkRecorded(table, runPlan(workload, undefined, {}));
  valid = Object.fromEntries(Object.entries(results).map(([name, r]) => [name, r.valid]));
}
const ms = performance.now() - started;
process.stdout.write(`${JSON.stringify({ ops, valid, ms, maxRssMb: peakRssMb() })}\n`);
