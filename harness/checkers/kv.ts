import { type Op, type Pair, pairs, valuesRead } from '../history.ts';

/** Operations that write their `value` to their `key` (a cas: the second of [expected, new]). */
export const WRITE_FS = new Set(['write', 'insert', 'update', 'rmw', 'cas']);

export interface Write {
  key: string;
  value: unknown;
  invoke: Op;
  complete: Op | undefined;
  /** ok, fail, or info (also when the history ended before it completed). */
  outcome: 'ok' | 'fail' | 'info';
  /** When it completed; Infinity when the outcome is unknown (it may still land). */
  completedAt: number;
}

export function writesOf(history: readonly Op[]): Write[] {
  return pairs(history)
    .filter((p) => WRITE_FS.has(p.invoke.f) && p.invoke.key !== undefined)
    .map(({ invoke, complete }) => {
      const outcome = complete?.type === 'ok' || complete?.type === 'fail' ? complete.type : 'info';
      return {
        key: invoke.key!,
        value: invoke.f === 'cas' ? (invoke.value as unknown[])[1] : invoke.value,
        invoke,
        complete,
        outcome,
        completedAt: outcome === 'info' ? Number.POSITIVE_INFINITY : complete!.time,
      };
    });
}

/** Values are compared by their JSON text, so 1 and "1" differ but arrays compare by content. */
export function valueKey(value: unknown): string {
  return JSON.stringify(value);
}

/** Index of writes by key and value. */
export function writeIndex(writes: readonly Write[]): Map<string, Map<string, Write>> {
  const index = new Map<string, Map<string, Write>>();
  for (const w of writes) {
    const byValue = index.get(w.key) ?? new Map<string, Write>();
    index.set(w.key, byValue);
    byValue.set(valueKey(w.value), w);
  }
  return index;
}

/** Successful reads of the given kind (final cluster, final replica, or during the run). */
export function readsOf(history: readonly Op[], final?: Op['final']): Pair[] {
  return pairs(history).filter(
    (p) =>
      p.invoke.f === 'read' &&
      p.invoke.key !== undefined &&
      (final === undefined || p.invoke.final === final),
  );
}

export { valuesRead };

/** A compact view of an op, for evidence in results. */
export function brief(op: Op | undefined): Record<string, unknown> | undefined {
  if (!op) return undefined;
  const { index, time, process, type, f, key, value, node, error } = op;
  return { index, time, process, type, f, key, value, node, ...(error ? { error } : {}) };
}
