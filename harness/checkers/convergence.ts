import type { Op } from '../history.ts';
import { readsOf, valueKey, valuesRead } from './kv.ts';
import type { CheckResult } from './types.ts';

const EXAMPLES = 20;

/**
 * Replica convergence after heal: every replica of a key, read on its own
 * (`final: "replica"`), holds the same set of values. A key whose replica
 * read failed is unknown; with no replica reads at all (a system that cannot
 * read one replica) the verdict is unknown.
 */
export function checkConvergence(history: readonly Op[]): CheckResult {
  const byKey = new Map<string, Map<string, string[] | null>>();
  for (const { invoke, complete } of readsOf(history, 'replica')) {
    const key = invoke.key!;
    const replicas = byKey.get(key) ?? new Map<string, string[] | null>();
    byKey.set(key, replicas);
    const node = invoke.node ?? `process ${invoke.process}`;
    replicas.set(node, complete?.type === 'ok' ? valuesRead(complete).map(valueKey).sort() : null);
  }
  if (byKey.size === 0) {
    return { valid: 'unknown', reason: 'no replica reads in the history', keys: 0 };
  }
  const diverged: { key: string; replicas: Record<string, unknown[]> }[] = [];
  let unknown = 0;
  for (const [key, replicas] of byKey) {
    const states = [...replicas.values()];
    if (states.some((s) => s === null)) {
      unknown++;
      continue;
    }
    const first = JSON.stringify(states[0]);
    if (states.some((s) => JSON.stringify(s) !== first)) {
      diverged.push({
        key,
        replicas: Object.fromEntries(
          [...replicas].map(([node, values]) => [node, values!.map((v) => JSON.parse(v))]),
        ),
      });
    }
  }
  return {
    valid: diverged.length > 0 ? false : unknown > 0 ? 'unknown' : true,
    keys: byKey.size,
    diverged: diverged.length,
    unknownKeys: unknown,
    examples: diverged.slice(0, EXAMPLES),
  };
}
