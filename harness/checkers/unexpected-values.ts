import { valuesRead } from '../../core/history.ts';
import { FAIL, type History, OK, OpTable } from '../../core/op-table.ts';
import { brief, eachRead, writeIndex, writesOf } from './kv.ts';
import type { BriefOp, CheckResult } from './types.ts';

const EXAMPLES = 20;

/**
 * Reads that return what no write could have put there:
 * - never written: no write of that value to that key was ever invoked;
 * - from the future: the write was invoked only after the read completed;
 * - failed write visible: its write completed `fail`, which promises it did
 *   not take effect (an adapter mapping an error wrongly shows up here).
 */
export interface UnexpectedValuesResult extends CheckResult {
  reads: number;
  neverWritten: number;
  fromFuture: number;
  failedWriteVisible: number;
  examples: { read?: BriefOp; value: unknown; write?: BriefOp }[];
}

export function checkUnexpectedValues(history: History): UnexpectedValuesResult {
  const t = OpTable.of(history);
  const writes = writesOf(t);
  const byKeyValue = writeIndex(t);
  // Per kind, the count and the first examples (examples list them in this order).
  const kinds = { neverWritten: [0, []], fromFuture: [0, []], failedVisible: [0, []] } as Record<
    string,
    [number, UnexpectedValuesResult['examples']]
  >;
  let reads = 0;
  eachRead(t, undefined, (invoke, complete) => {
    if (complete === -1 || t.type[complete] !== OK) return;
    reads++;
    // One value, the common case, without an array per read.
    const identities = t.isPlainValue(complete) ? undefined : t.readIdentities(complete);
    const count = identities ? identities.length : 1;
    for (let n = 0; n < count; n++) {
      const writer = byKeyValue.get(
        t.key[invoke]!,
        identities ? identities[n] : t.identity(complete),
      );
      const kind =
        writer === undefined
          ? 'neverWritten'
          : t.time[writes.invoke[writer]!]! > t.time[complete]!
            ? 'fromFuture'
            : writes.outcome[writer] === FAIL
              ? 'failedVisible'
              : undefined;
      if (!kind) continue;
      const entry = kinds[kind]!;
      entry[0]++;
      if (entry[1].length >= EXAMPLES) continue;
      const read = t.op(complete);
      const c = writer === undefined ? -1 : writes.complete[writer]!;
      const w = writer === undefined ? undefined : c !== -1 ? c : writes.invoke[writer]!;
      entry[1].push({
        read: brief(read),
        value: valuesRead(read)[n],
        write: brief(w === undefined ? undefined : t.op(w)),
      });
    }
  });
  const [neverWritten, fromFuture, failedVisible] = [
    kinds.neverWritten!,
    kinds.fromFuture!,
    kinds.failedVisible!,
  ];
  return {
    valid: neverWritten[0] + fromFuture[0] + failedVisible[0] === 0,
    reads,
    neverWritten: neverWritten[0],
    fromFuture: fromFuture[0],
    failedWriteVisible: failedVisible[0],
    examples: [...neverWritten[1], ...fromFuture[1], ...failedVisible[1]].slice(0, EXAMPLES),
  };
}
