import { checkListAppend } from '../harness/checkers/elle/list-append.ts';
import { LIST_APPEND_BENCH, serialListAppendHistory } from './histories.ts';
import { peakRssMb } from './peak-rss.ts';

/**
 * Run in its own process by bench/checkers.ts, so that its peak memory is
 * the list-append check's alone (with its input), not the whole bench's.
 */
const history = serialListAppendHistory(LIST_APPEND_BENCH);
const started = performance.now();
const result = checkListAppend(history);
const ms = performance.now() - started;
process.stdout.write(`${JSON.stringify({ valid: result.valid, ms, maxRssMb: peakRssMb() })}\n`);
