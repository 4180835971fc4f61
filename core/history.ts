import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import { FORMAT_HEADER, HistoryEncoder } from './history-codec.ts';
import { parseHistoryText, readHistoryFile } from './history-reader.ts';

/**
 * Histories, after Jepsen: plain data, one operation per JSON line, written
 * as the run goes. See ARCHITECTURE.md for the value conventions of each `f`.
 */

export type OpType = 'invoke' | 'ok' | 'fail' | 'info';
export type Process = number | 'nemesis';

export interface Op {
  index: number;
  /** Nanoseconds since the run started (monotonic clock). */
  time: number;
  process: Process;
  type: OpType;
  f: string;
  key?: string;
  value?: unknown;
  /** The node the process is pinned to (or the nemesis acted on). */
  node?: string;
  error?: string;
  /**
   * Final-phase reads after heal: `cluster` is a read through the system's
   * normal path (strongest read it offers), `replica` one replica's own copy.
   */
  final?: 'cluster' | 'replica';
  /** A read of the node's own copy during the run (staleness of replicas). */
  replica?: true;
  /** The read returned concurrent versions: `value` is the array of them. */
  siblings?: true;
}

export type NewOp = Omit<Op, 'index' | 'time'>;

/**
 * Writes a history in the compact format (history-codec.ts), or with
 * `format: 1` as one JSON object per op. Lines are gathered for one turn of
 * the event loop and written with one write(2) at the end of it
 * (setImmediate): a write per op cost a sixth of the harness's CPU at
 * 8,000 ops/s. A harness killed with SIGKILL loses at most the ops of its
 * last turn (well under a millisecond); any other end flushes.
 */
export class HistoryWriter {
  private readonly fd: number;
  private index = 0;
  private closed = false;
  private pending = '';
  private scheduled = false;
  private readonly encode: (op: Op) => string;

  constructor(
    readonly path: string,
    private readonly clock: () => number,
    options: { format?: 1 | 2 } = {},
  ) {
    this.fd = openSync(path, 'a');
    if (options.format === 1) this.encode = opLine;
    else {
      const encoder = new HistoryEncoder();
      this.encode = (op) => encoder.encode(op);
      this.pending = `${FORMAT_HEADER}\n`;
      this.flush();
    }
  }

  /** Stamps `op` with its index and time (the object becomes the Op) and queues its line. */
  append(op: NewOp): Op {
    const full = op as Op;
    full.index = this.index++;
    full.time = this.clock();
    if (this.closed) return full;
    this.pending += this.encode(full);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
    return full;
  }

  /** Writes what is gathered now. */
  flush(): void {
    this.scheduled = false;
    if (this.pending === '' || this.closed) return;
    const text = this.pending;
    this.pending = '';
    writeSync(this.fd, text);
  }

  get count(): number {
    return this.index;
  }

  close(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    fsyncSync(this.fd);
    closeSync(this.fd);
  }
}

/**
 * One op as a JSON line (format 1, and `faultline export --format=jsonl`), built field by field: the same JSON as
 * JSON.stringify gives (fields in a fixed order, undefined ones left out),
 * at under half its cost (measured with the small ops of a KV workload).
 * In a profile of a Redis run at 25,000 ops/s, appending two lines per op
 * took about 5% of the process's time.
 */
export function opLine(op: Op): string {
  let line = `{"index":${op.index},"time":${op.time},"process":${typeof op.process === 'number' ? op.process : '"nemesis"'},"type":"${op.type}","f":${quoted(op.f)}`;
  if (op.key !== undefined) line += `,"key":${quoted(op.key)}`;
  if (op.value !== undefined) line += `,"value":${JSON.stringify(op.value)}`;
  if (op.node !== undefined) line += `,"node":${quoted(op.node)}`;
  if (op.error !== undefined) line += `,"error":${JSON.stringify(op.error)}`;
  if (op.final !== undefined) line += `,"final":"${op.final}"`;
  if (op.replica !== undefined) line += `,"replica":${op.replica}`;
  if (op.siblings !== undefined) line += `,"siblings":${op.siblings}`;
  return `${line}}\n`;
}

/**
 * Names, keys and node ids recur on every line: each is quoted once. The
 * cache is bounded (a workload with millions of keys just stops caching).
 */
const QUOTED = new Map<string, string>();
const QUOTED_MAX = 100_000;

function quoted(text: string): string {
  let json = QUOTED.get(text);
  if (json === undefined) {
    json = JSON.stringify(text);
    if (QUOTED.size < QUOTED_MAX) QUOTED.set(text, json);
  }
  return json;
}

/**
 * A monotonic clock in nanoseconds since it was made, in steps of 1 µs. From
 * performance.now() (a double of milliseconds, the same monotonic source
 * as hrtime) rather than hrtime.bigint(): it is read three times per op,
 * and a BigInt per read was garbage worth collecting.
 */
export function runClock(): () => number {
  const start = performance.now();
  // Whole µs, which the compact history writes as plain integers.
  return () => Math.round((performance.now() - start) * 1e3) * 1e3;
}

export { HistoryParseError } from './history-reader.ts';

/** Parses a history of either format (history-reader.ts). */
export function parseHistory(text: string): Op[] {
  const ops: Op[] = [];
  parseHistoryText(text, (op) => ops.push(op));
  return ops;
}

export function readHistory(path: string): Op[] {
  const ops: Op[] = [];
  readHistoryFile(path, (op) => ops.push(op));
  return ops;
}

/** An invocation with its completion (undefined when the history ended first). */
export interface Pair {
  invoke: Op;
  complete: Op | undefined;
}

/**
 * Pairs every client invocation with the next op of the same process, which
 * is its completion: a process runs one operation at a time.
 */
export function pairs(history: readonly Op[]): Pair[] {
  const open = new Map<Process, Pair>();
  const out: Pair[] = [];
  for (const op of history) {
    if (op.process === 'nemesis') continue;
    if (op.type === 'invoke') {
      const pair = { invoke: op, complete: undefined };
      open.set(op.process, pair);
      out.push(pair);
    } else {
      const pair = open.get(op.process);
      if (pair) {
        pair.complete = op;
        open.delete(op.process);
      }
    }
  }
  return out;
}

/** The values a read saw: siblings spread out, absence as none. */
export function valuesRead(op: Op): unknown[] {
  if (op.siblings) return Array.isArray(op.value) ? op.value : [op.value];
  return op.value === null || op.value === undefined ? [] : [op.value];
}
