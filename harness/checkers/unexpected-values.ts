import type { Op } from '../history.ts';
import { brief, readsOf, valueKey, valuesRead, writeIndex, writesOf } from './kv.ts';
import type { CheckResult } from './types.ts';

const EXAMPLES = 20;

/**
 * Reads that return what no write could have put there:
 * - never written: no write of that value to that key was ever invoked;
 * - from the future: the write was invoked only after the read completed;
 * - failed write visible: its write completed `fail`, which promises it did
 *   not take effect (an adapter mapping an error wrongly shows up here).
 */
export function checkUnexpectedValues(history: readonly Op[]): CheckResult {
  const byKeyValue = writeIndex(writesOf(history));
  const neverWritten: unknown[] = [];
  const fromFuture: unknown[] = [];
  const failedVisible: unknown[] = [];
  let reads = 0;
  for (const { invoke, complete } of readsOf(history)) {
    if (complete?.type !== 'ok') continue;
    reads++;
    for (const value of valuesRead(complete)) {
      const writer = byKeyValue.get(invoke.key!)?.get(valueKey(value));
      const evidence = {
        read: brief(complete),
        value,
        write: brief(writer?.complete ?? writer?.invoke),
      };
      if (!writer) neverWritten.push(evidence);
      else if (writer.invoke.time > complete.time) fromFuture.push(evidence);
      else if (writer.outcome === 'fail') failedVisible.push(evidence);
    }
  }
  const anomalies = neverWritten.length + fromFuture.length + failedVisible.length;
  return {
    valid: anomalies === 0,
    reads,
    neverWritten: neverWritten.length,
    fromFuture: fromFuture.length,
    failedWriteVisible: failedVisible.length,
    examples: [...neverWritten, ...fromFuture, ...failedVisible].slice(0, EXAMPLES),
  };
}
