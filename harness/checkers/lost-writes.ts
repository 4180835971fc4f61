import { type History, OK, OpTable } from '../../core/op-table.ts';
import { brief, eachRead, type Identity, writeIndex, writesOf } from './kv.ts';
import type { BriefOp, CheckResult } from './types.ts';

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
export interface LostWritesResult extends CheckResult {
  /** Writes acknowledged ok. */
  acknowledged: number;
  lost: number;
  lostKeys: number;
  /** Keys whose final read failed: their writes are neither kept nor lost. */
  unknownKeys: number;
  examples: { write?: BriefOp; invokedAt: number; finalRead?: BriefOp }[];
}

export function checkLostWrites(history: History): LostWritesResult {
  const t = OpTable.of(history);
  const writes = writesOf(t);
  const byKeyValue = writeIndex(t);
  const finals = new Map<number, { read: number; values: Identity[] } | null>();
  eachRead(t, 'cluster', (invoke, complete) => {
    const key = t.key[invoke]!;
    if (complete !== -1 && t.type[complete] === OK)
      finals.set(key, { read: complete, values: t.readIdentities(complete) });
    else if (!finals.get(key)) finals.set(key, null);
  });

  let acknowledged = 0;
  for (let w = 0; w < writes.count; w++) if (writes.outcome[w] === OK) acknowledged++;
  if (finals.size === 0) {
    return {
      valid: acknowledged === 0 ? true : 'unknown',
      reason: 'no final reads in the history (run interrupted before the final phase?)',
      acknowledged,
      lost: 0,
      lostKeys: 0,
      unknownKeys: 0,
      examples: [],
    };
  }

  let lost = 0;
  const examples: LostWritesResult['examples'] = [];
  const lostKeys = new Set<number>();
  const unknownKeys = new Set<number>();
  for (let w = 0; w < writes.count; w++) {
    if (writes.outcome[w] !== OK) continue;
    const key = writes.key[w]!;
    const final = finals.get(key);
    if (!final) {
      unknownKeys.add(key);
      continue;
    }
    const invokedAt = t.time[writes.invoke[w]!]!;
    const present = final.values.some((v) => {
      if (v === writes.value[w]) return true;
      const writer = byKeyValue.get(key, v);
      // A successor: its write had not completed when this one was invoked.
      return writer !== undefined && writes.completedAt[writer]! > invokedAt;
    });
    if (present) continue;
    lost++;
    lostKeys.add(key);
    if (examples.length < EXAMPLES)
      examples.push({
        write: brief(t.op(writes.complete[w]!)),
        invokedAt,
        finalRead: brief(t.op(final.read)),
      });
  }

  return {
    valid: lost > 0 ? false : unknownKeys.size > 0 ? 'unknown' : true,
    acknowledged,
    lost,
    lostKeys: lostKeys.size,
    unknownKeys: unknownKeys.size,
    examples,
  };
}
