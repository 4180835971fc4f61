import { closeSync, openSync, readSync } from 'node:fs';
import type { Op, OpType } from './history.ts';
import { readHistoryFile } from './history-reader.ts';

/**
 * A history held as columns (typed arrays) instead of one object per op:
 * about 35 bytes an op against some 200 for the objects, pairs and write
 * records the checkers used to build, so that the key-value checkers judge
 * a run of any length in bounded memory. An op becomes an object again
 * only when asked for (`op(i)`, for evidence); checkers that need every op
 * as an object get them from `ops()`.
 */

export const TYPES: readonly OpType[] = ['invoke', 'ok', 'fail', 'info'];
export const INVOKE = 0;
export const OK = 1;
export const FAIL = 2;
export const INFO = 3;

export const FINAL_CLUSTER = 1;
export const FINAL_REPLICA = 2;
export const REPLICA = 4;
export const SIBLINGS = 8;

/** Value tags. */
const NONE = 0;
const NUMBER = 1;
const NULL = 2;
const OTHER = 3;

const NEMESIS = -1;
const NO_ID = -1;

/** Strings of one column, each stored once and referred to by id. */
class Names {
  readonly list: string[] = [];
  private readonly ids = new Map<string, number>();

  id(name: string): number {
    let id = this.ids.get(name);
    if (id === undefined) {
      id = this.list.length;
      this.list.push(name);
      this.ids.set(name, id);
    }
    return id;
  }

  find(name: string): number {
    return this.ids.get(name) ?? NO_ID;
  }
}

export class OpTable {
  length = 0;
  time: Float64Array;
  /** -1 for the nemesis. */
  process: Int32Array;
  type: Uint8Array;
  /** Ids into `fs`. */
  f: Uint16Array;
  /** Ids into `keys`, -1 for none. */
  key: Int32Array;
  /** Ids into `nodes`, -1 for none. */
  node: Int32Array;
  /** FINAL_CLUSTER | FINAL_REPLICA | REPLICA | SIBLINGS. */
  flags: Uint8Array;
  private tag: Uint8Array;
  private num: Float64Array;
  /** Values that are not numbers or null, by position. */
  private readonly others = new Map<number, unknown>();
  /** Positions of ops with an error (ascending) and the error's id in `errorNames`. */
  private readonly errorAt: number[] = [];
  private readonly errorId: number[] = [];
  private readonly errorNames = new Names();
  /** Indexes that are not the op's position. */
  private readonly indexes = new Map<number, number>();
  readonly fs = new Names();
  readonly keys = new Names();
  readonly nodes = new Names();
  private paired: { invokes: Int32Array; completions: Int32Array } | undefined;
  private materialized: Op[] | undefined;

  /** `capacity`: the ops expected (more grow the columns, by half each time). */
  constructor(capacity = 1024) {
    this.time = new Float64Array(capacity);
    this.process = new Int32Array(capacity);
    this.type = new Uint8Array(capacity);
    this.f = new Uint16Array(capacity);
    this.key = new Int32Array(capacity);
    this.node = new Int32Array(capacity);
    this.flags = new Uint8Array(capacity);
    this.tag = new Uint8Array(capacity);
    this.num = new Float64Array(capacity);
  }

  /** The table of a history given as ops (built anew: an array may change between calls). */
  static of(history: History): OpTable {
    if (history instanceof OpTable) return history;
    const table = new OpTable(history.length);
    for (const op of history) table.push(op);
    return table;
  }

  /** Reads a saved history of either format, never holding it as objects. */
  static read(path: string): OpTable {
    // Sized by the file's lines (at least its ops), so that no column is
    // copied to grow: a copy would hold both sizes at once.
    const table = new OpTable(countLines(path) + 1);
    readHistoryFile(path, (op) => table.push(op));
    return table;
  }

  push(op: Op): void {
    const i = this.length;
    if (i === this.time.length) this.grow(Math.max(1024, Math.ceil(i * 1.5)));
    this.length++;
    this.time[i] = op.time;
    this.process[i] = op.process === 'nemesis' ? NEMESIS : op.process;
    this.type[i] = TYPE_CODE[op.type];
    this.f[i] = this.fs.id(op.f);
    this.key[i] = op.key === undefined ? NO_ID : this.keys.id(op.key);
    this.node[i] = op.node === undefined ? NO_ID : this.nodes.id(op.node);
    this.flags[i] =
      (op.final === 'cluster' ? FINAL_CLUSTER : op.final === 'replica' ? FINAL_REPLICA : 0) |
      (op.replica ? REPLICA : 0) |
      (op.siblings ? SIBLINGS : 0);
    const value = op.value;
    if (typeof value === 'number') {
      this.tag[i] = NUMBER;
      this.num[i] = value;
    } else if (value === null) this.tag[i] = NULL;
    else if (value === undefined) this.tag[i] = NONE;
    else {
      this.tag[i] = OTHER;
      this.others.set(i, value);
    }
    if (op.error !== undefined) {
      this.errorAt.push(i);
      this.errorId.push(this.errorNames.id(op.error));
    }
    if (op.index !== i) this.indexes.set(i, op.index);
  }

  /** The op at position `i`, as an object. */
  op(i: number): Op {
    const op: Op = {
      index: this.indexes.get(i) ?? i,
      time: this.time[i]!,
      process: this.process[i] === NEMESIS ? 'nemesis' : this.process[i]!,
      type: TYPES[this.type[i]!]!,
      f: this.fs.list[this.f[i]!]!,
    };
    if (this.key[i] !== NO_ID) op.key = this.keys.list[this.key[i]!]!;
    const value = this.value(i);
    if (value !== undefined) op.value = value;
    if (this.node[i] !== NO_ID) op.node = this.nodes.list[this.node[i]!]!;
    const error = this.errorOf(i);
    if (error !== undefined) op.error = error;
    const flags = this.flags[i]!;
    if (flags & FINAL_CLUSTER) op.final = 'cluster';
    if (flags & FINAL_REPLICA) op.final = 'replica';
    if (flags & REPLICA) op.replica = true;
    if (flags & SIBLINGS) op.siblings = true;
    return op;
  }

  /** The op's error (a binary search: errors are few, and read only for evidence). */
  errorOf(i: number): string | undefined {
    let [low, high] = [0, this.errorAt.length - 1];
    while (low <= high) {
      const mid = (low + high) >> 1;
      const at = this.errorAt[mid]!;
      if (at === i) return this.errorNames.list[this.errorId[mid]!];
      if (at < i) low = mid + 1;
      else high = mid - 1;
    }
    return undefined;
  }

  /** Every op as an object, made once (for checkers that walk objects). */
  ops(): Op[] {
    this.materialized ??= Array.from({ length: this.length }, (_, i) => this.op(i));
    return this.materialized;
  }

  value(i: number): unknown {
    const tag = this.tag[i];
    if (tag === NUMBER) return this.num[i];
    if (tag === NULL) return null;
    if (tag === OTHER) return this.others.get(i);
    return undefined;
  }

  /**
   * The value's identity, equal for equal JSON: the number itself, else
   * its JSON text (so 1 and "1" differ, and arrays compare by content).
   */
  identity(i: number): number | string | undefined {
    const tag = this.tag[i];
    if (tag === NUMBER) return this.num[i];
    if (tag === NULL) return 'null';
    if (tag === OTHER) return identityOf(this.others.get(i));
    return undefined;
  }

  /** A single number, no siblings: the read saw that one value. */
  isPlainValue(i: number): boolean {
    return this.tag[i] === NUMBER && !(this.flags[i]! & SIBLINGS);
  }

  /** The identities of the values a read saw: siblings spread out, absence as none. */
  readIdentities(i: number): (number | string)[] {
    const tag = this.tag[i];
    if (this.flags[i]! & SIBLINGS) {
      const value = this.value(i);
      return Array.isArray(value) ? value.map((v) => identityOf(v)!) : [this.identity(i)!];
    }
    return tag === NONE || tag === NULL ? [] : [this.identity(i)!];
  }

  fName(i: number): string {
    return this.fs.list[this.f[i]!]!;
  }

  keyName(id: number): string {
    return this.keys.list[id]!;
  }

  /**
   * Each client invocation (position) with its completion (position, or
   * -1 when the history ended first): the next op of the same process, as
   * `pairs` gives them.
   */
  pairs(): { invokes: Int32Array; completions: Int32Array } {
    if (this.paired) return this.paired;
    let invokes = new Int32Array(1024);
    let completions = new Int32Array(1024);
    let count = 0;
    // Each process's open pair, by process number (an array: a tenth of a Map's cost).
    const open: number[] = [];
    for (let i = 0; i < this.length; i++) {
      const process = this.process[i]!;
      if (process === NEMESIS) continue;
      if (this.type[i] === INVOKE) {
        if (count === invokes.length) {
          invokes = grown(invokes, count * 2);
          completions = grown(completions, count * 2);
        }
        invokes[count] = i;
        completions[count] = -1;
        open[process] = count++;
      } else {
        const pair = open[process] ?? -1;
        if (pair !== -1) {
          completions[pair] = i;
          open[process] = -1;
        }
      }
    }
    this.paired = { invokes: invokes.slice(0, count), completions: completions.slice(0, count) };
    return this.paired;
  }

  /** The ids of `f` names (absent names give none). */
  fIds(names: Iterable<string>): Set<number> {
    const ids = new Set<number>();
    for (const name of names) {
      const id = this.fs.find(name);
      if (id !== NO_ID) ids.add(id);
    }
    return ids;
  }

  private grow(capacity: number): void {
    this.time = grown(this.time, capacity);
    this.process = grown(this.process, capacity);
    this.type = grown(this.type, capacity);
    this.f = grown(this.f, capacity);
    this.key = grown(this.key, capacity);
    this.node = grown(this.node, capacity);
    this.flags = grown(this.flags, capacity);
    this.tag = grown(this.tag, capacity);
    this.num = grown(this.num, capacity);
  }
}

/** A history as checkers take it: ops, or their table. */
export type History = readonly Op[] | OpTable;

const TYPE_CODE: Record<OpType, number> = { invoke: INVOKE, ok: OK, fail: FAIL, info: INFO };

export function identityOf(value: unknown): number | string | undefined {
  return typeof value === 'number' ? value : JSON.stringify(value);
}

/** The ops of a history, as objects. */
export function opsOf(history: History): readonly Op[] {
  return history instanceof OpTable ? history.ops() : history;
}

function countLines(path: string): number {
  const buffer = Buffer.allocUnsafe(8 << 20);
  const fd = openSync(path, 'r');
  let lines = 0;
  try {
    for (let n = readSync(fd, buffer); n > 0; n = readSync(fd, buffer)) {
      for (let at = buffer.indexOf(10); at !== -1 && at < n; at = buffer.indexOf(10, at + 1))
        lines++;
    }
  } finally {
    closeSync(fd);
  }
  return lines;
}

type Typed = Float64Array | Int32Array | Uint16Array | Uint8Array;

function grown<T extends Typed>(array: T, capacity: number): T {
  const next = new (array.constructor as new (n: number) => T)(capacity);
  next.set(array.subarray(0, Math.min(array.length, capacity)));
  return next;
}
