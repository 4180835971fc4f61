import { type History, OK, OpTable } from '../../core/op-table.ts';
import { eachRead } from './kv.ts';
import type { CheckResult } from './types.ts';

const EXAMPLES = 20;

/**
 * Replica convergence after heal: every replica of a key, read on its own
 * (`final: "replica"`), holds the same set of values. A key whose replica
 * read failed is unknown; with no replica reads at all (a system that cannot
 * read one replica) the verdict is unknown.
 */
export interface ConvergenceResult extends CheckResult {
  keys: number;
  diverged: number;
  unknownKeys: number;
  examples: { key: string; replicas: Record<string, unknown[]> }[];
}

export function checkConvergence(history: History): ConvergenceResult {
  const t = OpTable.of(history);
  const byKey = new Map<number, Map<string, string[] | null>>();
  eachRead(t, 'replica', (invoke, complete) => {
    const key = t.key[invoke]!;
    const replicas = byKey.get(key) ?? new Map<string, string[] | null>();
    byKey.set(key, replicas);
    const node =
      t.node[invoke] !== -1 ? t.nodes.list[t.node[invoke]!]! : `process ${t.process[invoke]}`;
    replicas.set(
      node,
      complete !== -1 && t.type[complete] === OK
        ? t
            .readIdentities(complete)
            .map((v) => (typeof v === 'number' ? String(v) : v))
            .sort()
        : null,
    );
  });
  if (byKey.size === 0) {
    return {
      valid: 'unknown',
      reason: 'no replica reads in the history',
      keys: 0,
      diverged: 0,
      unknownKeys: 0,
      examples: [],
    };
  }
  const diverged: { key: string; replicas: Record<string, unknown[]> }[] = [];
  let count = 0;
  let unknown = 0;
  for (const [key, replicas] of byKey) {
    const states = [...replicas.values()];
    if (states.some((s) => s === null)) {
      unknown++;
      continue;
    }
    const first = JSON.stringify(states[0]);
    if (states.every((s) => JSON.stringify(s) === first)) continue;
    count++;
    if (diverged.length < EXAMPLES)
      diverged.push({
        key: t.keyName(key),
        replicas: Object.fromEntries(
          [...replicas].map(([node, values]) => [node, values!.map((v) => JSON.parse(v))]),
        ),
      });
  }
  return {
    valid: count > 0 ? false : unknown > 0 ? 'unknown' : true,
    keys: byKey.size,
    diverged: count,
    unknownKeys: unknown,
    examples: diverged,
  };
}
