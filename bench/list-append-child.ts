import { readFileSync } from 'node:fs';
import { checkListAppend } from '../harness/checkers/elle/list-append.ts';
import { LIST_APPEND_BENCH, serialListAppendHistory } from './histories.ts';

/**
 * Run in its own process by bench/checkers.ts, so that its peak memory is
 * the list-append check's alone (with its input), not the whole bench's.
 */
const history = serialListAppendHistory(LIST_APPEND_BENCH);
const started = performance.now();
const result = checkListAppend(history);
const ms = performance.now() - started;
process.stdout.write(`${JSON.stringify({ valid: result.valid, ms, maxRssMb: peakRssMb() })}\n`);

/**
 * The peak resident memory of this process image, from /proc (VmHWM).
 * getrusage's maxrss would not do: Linux carries it over from the parent
 * across fork and exec, so a child of a big bench process reports the
 * parent's peak.
 */
function peakRssMb(): number {
  const line = readFileSync('/proc/self/status', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmHWM:'));
  return Number(line?.match(/(\d+)/)?.[1] ?? 0) / 1024;
}
