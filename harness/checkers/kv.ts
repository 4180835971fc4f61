import type { Op } from '../history.ts';
import {
  FAIL,
  FINAL_CLUSTER,
  FINAL_REPLICA,
  INFO,
  identityOf,
  OK,
  type OpTable,
} from '../op-table.ts';

/** Operations that write their `value` to their `key` (a cas: the second of [expected, new]). */
export const WRITE_FS = new Set(['write', 'insert', 'update', 'rmw', 'cas']);

/** A value's identity: equal for equal JSON (OpTable.identity). */
export type Identity = number | string | undefined;

/**
 * Every write of a history (a client invocation of a WRITE_FS op with a
 * key), as columns: positions in the table, outcome, when it completed.
 */
export interface Writes {
  count: number;
  invoke: Int32Array;
  /** -1 when the history ended first. */
  complete: Int32Array;
  /** OK, FAIL, or INFO (also when the history ended before it completed). */
  outcome: Uint8Array;
  key: Int32Array;
  value: Identity[];
  /** When it completed; Infinity when the outcome is unknown (it may still land). */
  completedAt: Float64Array;
}

export function writesOf(t: OpTable): Writes {
  const { invokes, completions } = t.pairs();
  const writeFs = t.fIds(WRITE_FS);
  const cas = t.fIds(['cas']);
  const picked: number[] = [];
  for (let p = 0; p < invokes.length; p++) {
    const i = invokes[p]!;
    if (writeFs.has(t.f[i]!) && t.key[i] !== -1) picked.push(p);
  }
  const n = picked.length;
  const writes: Writes = {
    count: n,
    invoke: new Int32Array(n),
    complete: new Int32Array(n),
    outcome: new Uint8Array(n),
    key: new Int32Array(n),
    value: new Array(n),
    completedAt: new Float64Array(n),
  };
  for (let w = 0; w < n; w++) {
    const i = invokes[picked[w]!]!;
    const c = completions[picked[w]!]!;
    const type = c === -1 ? INFO : t.type[c]!;
    const outcome = type === OK || type === FAIL ? type : INFO;
    writes.invoke[w] = i;
    writes.complete[w] = c;
    writes.outcome[w] = outcome;
    writes.key[w] = t.key[i]!;
    writes.value[w] = cas.has(t.f[i]!) ? identityOf((t.value(i) as unknown[])[1]) : t.identity(i);
    writes.completedAt[w] = outcome === INFO ? Number.POSITIVE_INFINITY : t.time[c]!;
  }
  return writes;
}

/** Writes by key and value identity (the last of equal ones). */
export function writeIndex(writes: Writes): Map<number, Map<Identity, number>> {
  const index = new Map<number, Map<Identity, number>>();
  for (let w = 0; w < writes.count; w++) {
    const key = writes.key[w]!;
    let byValue = index.get(key);
    if (!byValue) index.set(key, (byValue = new Map()));
    byValue.set(writes.value[w], w);
  }
  return index;
}

/**
 * Reads (client invocations of `read` with a key) of the given kind:
 * final cluster, final replica, or any; calls `each` with the positions of
 * the invocation and its completion (-1 when none).
 */
export function eachRead(
  t: OpTable,
  final: Op['final'] | undefined,
  each: (invoke: number, complete: number) => void,
): void {
  const { invokes, completions } = t.pairs();
  const read = t.fs.find('read');
  if (read === -1) return;
  const flag = final === 'cluster' ? FINAL_CLUSTER : final === 'replica' ? FINAL_REPLICA : 0;
  for (let p = 0; p < invokes.length; p++) {
    const i = invokes[p]!;
    if (t.f[i] !== read || t.key[i] === -1) continue;
    if (flag && !(t.flags[i]! & flag)) continue;
    each(i, completions[p]!);
  }
}

/** A compact view of an op, for evidence in results. */
export function brief(op: Op | undefined): Record<string, unknown> | undefined {
  if (!op) return undefined;
  const { index, time, process, type, f, key, value, node, error } = op;
  return { index, time, process, type, f, key, value, node, ...(error ? { error } : {}) };
}

/** Values are compared by their JSON text, so 1 and "1" differ but arrays compare by content. */
export function valueKey(value: unknown): string {
  return JSON.stringify(value);
}
