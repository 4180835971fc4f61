import type { Op } from '../../core/history.ts';
import {
  FAIL,
  FINAL_CLUSTER,
  FINAL_REPLICA,
  INFO,
  identityOf,
  OK,
  type OpTable,
} from '../../core/op-table.ts';

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

/** Made once per table: lost-writes and unexpected-values both start from them. */
const WRITES = new WeakMap<OpTable, { writes: Writes; index?: WriteIndex }>();

export function writesOf(t: OpTable): Writes {
  const known = WRITES.get(t) ?? { writes: collectWrites(t) };
  WRITES.set(t, known);
  return known.writes;
}

function collectWrites(t: OpTable): Writes {
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

/**
 * Writes by key and value identity (the last of equal ones). Whole numbers,
 * what kv workloads write, go in an open-addressing table over typed
 * arrays (a Map over numbers past 2^31 boxes each one, and took five times
 * as long); other values in a Map over text.
 */
export class WriteIndex {
  private readonly keys: Int32Array;
  private readonly values: Float64Array;
  /** Write number + 1; 0 is an empty slot. */
  private readonly slots: Int32Array;
  private readonly mask: number;
  private readonly byText = new Map<string, number>();

  constructor(writes: Writes) {
    let size = 16;
    while (size < writes.count * 2) size *= 2;
    this.keys = new Int32Array(size);
    this.values = new Float64Array(size);
    this.slots = new Int32Array(size);
    this.mask = size - 1;
    for (let w = 0; w < writes.count; w++) {
      const key = writes.key[w]!;
      const value = writes.value[w];
      if (isWhole(value)) this.slots[this.find(key, value)] = w + 1;
      else this.byText.set(`${key} ${typeof value} ${value}`, w);
    }
  }

  /** The write of `value` to `key`, if any. */
  get(key: number, value: Identity): number | undefined {
    if (!isWhole(value)) return this.byText.get(`${key} ${typeof value} ${value}`);
    const w = this.slots[this.find(key, value)]!;
    return w === 0 ? undefined : w - 1;
  }

  /** The slot of (key, value): where it is, or the empty one where it would go (claimed). */
  private find(key: number, value: number): number {
    let slot =
      (Math.imul(key, 0x9e3779b1) ^ Math.imul(value | 0, 0x85ebca6b) ^ ((value / 2 ** 32) | 0)) &
      this.mask;
    for (;;) {
      if (this.slots[slot] === 0) {
        // Claimed for (key, value); it stays empty unless a write is put in it.
        this.keys[slot] = key;
        this.values[slot] = value;
        return slot;
      }
      if (this.keys[slot] === key && this.values[slot] === value) return slot;
      slot = (slot + 1) & this.mask;
    }
  }
}

const isWhole = (value: Identity): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value);

export function writeIndex(t: OpTable): WriteIndex {
  const known = WRITES.get(t) ?? { writes: writesOf(t) };
  known.index ??= new WriteIndex(known.writes);
  WRITES.set(t, known);
  return known.index;
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
