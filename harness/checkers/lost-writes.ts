import type { Op } from '../history.ts';
import { brief, readsOf, valueKey, valuesRead, type Write, writeIndex, writesOf } from './kv.ts';
import type { CheckResult } from './types.ts';

const EXAMPLES = 20;

/**
 * Lost acknowledged writes. A write that completed `ok` is lost when the
 * final read of its key (after heal) shows neither its value nor a successor:
 * a value whose write did not finish before this one began. A value written
 * strictly earlier cannot have legitimately replaced it, so if the final state
 * holds only such values (or nothing), the acknowledged write is gone.
 *
 * Needs the final-phase cluster reads (`final: "cluster"`); without them the
 * verdict is unknown. A key whose final read failed is unknown, not lost.
 */
export function checkLostWrites(history: readonly Op[]): CheckResult {
  const writes = writesOf(history);
  const byKeyValue = writeIndex(writes);
  const finals = new Map<string, { op: Op; values: unknown[] } | null>();
  for (const { invoke, complete } of readsOf(history, 'cluster')) {
    const key = invoke.key!;
    if (complete?.type === 'ok') finals.set(key, { op: complete, values: valuesRead(complete) });
    else if (!finals.get(key)) finals.set(key, null);
  }

  const acknowledged = writes.filter((w) => w.outcome === 'ok');
  if (finals.size === 0) {
    return {
      valid: acknowledged.length === 0 ? true : 'unknown',
      reason: 'no final reads in the history (run interrupted before the final phase?)',
      acknowledged: acknowledged.length,
    };
  }

  const lost: Write[] = [];
  const lostByKey = new Map<string, { op: Op; values: unknown[] }>();
  const unknownKeys = new Set<string>();
  for (const w of acknowledged) {
    const final = finals.get(w.key);
    if (!final) {
      unknownKeys.add(w.key);
      continue;
    }
    const present = final.values.some((v) => {
      if (valueKey(v) === valueKey(w.value)) return true;
      const writer = byKeyValue.get(w.key)?.get(valueKey(v));
      // A successor: its write had not completed when this one was invoked.
      return writer !== undefined && writer.completedAt > w.invoke.time;
    });
    if (!present) {
      lost.push(w);
      lostByKey.set(w.key, final);
    }
  }

  return {
    valid: lost.length > 0 ? false : unknownKeys.size > 0 ? 'unknown' : true,
    acknowledged: acknowledged.length,
    lost: lost.length,
    lostKeys: lostByKey.size,
    unknownKeys: unknownKeys.size,
    examples: lost.slice(0, EXAMPLES).map((w) => ({
      write: brief(w.complete),
      invokedAt: w.invoke.time,
      finalRead: brief(lostByKey.get(w.key)!.op),
    })),
  };
}
