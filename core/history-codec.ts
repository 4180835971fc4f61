import type { Op, OpType, Process } from './history.ts';

/**
 * The compact history format (version 2): still one JSON value per line,
 * so a SIGKILL loses at most the lines of the last write and `jq` reads
 * it, at a sixth of the size of one JSON object per op. `faultline export
 * --format=jsonl` turns it back into those objects.
 *
 * - The first line is the header `{"faultline-history":2}`.
 * - A line that is a JSON string defines the next string id (0, 1, 2, …):
 *   each f, key, node and error is written once, then referred to by id.
 * - Every other line is an op: `[dt, p, c, k, v, x]`, with the op's index
 *   its position after the header:
 *   - dt: µs since the previous op (fractions for sub-µs times);
 *   - p: the process, -1 for the nemesis;
 *   - c: the type (0 invoke, 1 ok, 2 fail, 3 info) + 4 × the string id of f;
 *   - k: the key's string id, or null for none;
 *   - v: the value, as JSON;
 *   - x: rarer fields, only when needed: `n` node (string id, null for
 *     none), `e` error (string id), `f` final ("cluster" | "replica"), `r`
 *     replica, `s` siblings, `nv` no value, `i` an index that is not the
 *     next one.
 *   Trailing fields may be left out. A completion (ok, fail, info) that
 *   leaves out k or v has its invocation's key or value (the open invoke
 *   of the same process); node, final and replica also default to the
 *   invocation's, and an invocation's node to the process's last op's
 *   node (a process stays on one node). Left-out k and v of an invocation
 *   mean none.
 */

export const FORMAT_HEADER = '{"faultline-history":2}';
const TYPES: readonly OpType[] = ['invoke', 'ok', 'fail', 'info'];
const TYPE_CODE: Record<OpType, number> = { invoke: 0, ok: 1, fail: 2, info: 3 };

/** Extra fields of an encoded op. */
interface Extra {
  n?: number | null;
  e?: number;
  f?: string | null;
  r?: boolean;
  s?: boolean;
  nv?: true;
  i?: number;
}

/** What both directions track, so that what one leaves out the other restores. */
class Context {
  protected time = 0;
  protected index = 0;
  /**
   * Per process (the nemesis at 0, process p at p + 1: arrays, which cost
   * a tenth of a Map's lookups here), its open invocation and the node of
   * its last op.
   */
  private open: (Op | undefined)[] = [];
  private nodes: (string | undefined)[] = [];

  /** A header starts a history afresh (a second writer appended to the file). */
  protected reset(): void {
    this.time = 0;
    this.index = 0;
    this.open = [];
    this.nodes = [];
  }

  protected invocationOf(process: Process): Op | undefined {
    return this.open[process === 'nemesis' ? 0 : process + 1];
  }

  protected nodeOf(process: Process): string | undefined {
    return this.nodes[process === 'nemesis' ? 0 : process + 1];
  }

  protected advance(op: Op): void {
    this.time = op.time;
    this.index = op.index + 1;
    const slot = op.process === 'nemesis' ? 0 : op.process + 1;
    this.open[slot] = op.type === 'invoke' ? op : undefined;
    this.nodes[slot] = op.node;
  }
}

export class HistoryEncoder extends Context {
  private readonly strings = new Map<string, number>();
  private defined = '';

  /** The lines (each ending in "\n") that record `op`: new strings first, then the op. */
  encode(op: Op): string {
    const invocation = op.type === 'invoke' ? undefined : this.invocationOf(op.process);
    const dt = (op.time - this.time) / 1000;
    let line = `[${dt},${op.process === 'nemesis' ? -1 : op.process},${TYPE_CODE[op.type] + 4 * this.id(op.f)}`;

    const extra: Extra = {};
    let rare = false;
    const node = invocation ? invocation.node : this.nodeOf(op.process);
    if (op.node !== node) {
      extra.n = op.node === undefined ? null : this.id(op.node);
      rare = true;
    }
    if (op.error !== undefined) {
      extra.e = this.id(op.error);
      rare = true;
    }
    if (op.final !== invocation?.final) {
      extra.f = op.final ?? null;
      rare = true;
    }
    if (op.replica !== invocation?.replica) {
      extra.r = op.replica ?? false;
      rare = true;
    }
    if (op.siblings) {
      extra.s = true;
      rare = true;
    }
    if (op.index !== this.index) {
      extra.i = op.index;
      rare = true;
    }
    // No value where the invocation had one, or with x (which writes v
    // whatever it is, a placeholder when there is none).
    if (op.value === undefined && (rare || invocation?.value !== undefined)) {
      extra.nv = true;
      rare = true;
    }

    const sameKey = invocation !== undefined && op.key === invocation.key;
    const sameValue = invocation !== undefined && op.value === invocation.value;
    const key = op.key === undefined ? 'null' : String(this.id(op.key));
    const value = op.value === undefined ? '0' : JSON.stringify(op.value);
    if (rare) line += `,${key},${value},${JSON.stringify(extra)}`;
    else if (!sameValue && op.value !== undefined) line += `,${key},${value}`;
    else if (!sameKey && op.key !== undefined) line += `,${key}`;
    // A completion without the key its invocation had.
    else if (!sameKey && invocation?.key !== undefined) line += ',null';
    this.advance(op);
    const out = `${this.defined}${line}]\n`;
    this.defined = '';
    return out;
  }

  private id(text: string): number {
    let id = this.strings.get(text);
    if (id === undefined) {
      id = this.strings.size;
      this.strings.set(text, id);
      this.defined += `${JSON.stringify(text)}\n`;
    }
    return id;
  }
}

/** Thrown for a line the format does not allow; `line` is 1-based within the text given. */
export class FormatError extends Error {}

export class HistoryDecoder extends Context {
  private readonly strings: string[] = [];

  /** Takes one parsed line: the header, a string definition, or an op (returned). */
  take(entry: unknown): Op | undefined {
    if (typeof entry === 'string') {
      this.strings.push(entry);
      return undefined;
    }
    if (!Array.isArray(entry)) {
      if (isHeader(entry)) {
        this.reset();
        this.strings.length = 0;
        return undefined;
      }
      throw new FormatError('not an op, a string or the header');
    }
    const [dt, p, c, k, v, x] = entry as [number, number, number, unknown, unknown, Extra?];
    if (typeof dt !== 'number' || typeof p !== 'number' || typeof c !== 'number')
      throw new FormatError('an op must start with three numbers: [dt, process, code, …]');
    const process: Process = p === -1 ? 'nemesis' : p;
    const type = TYPES[c & 3]!;
    const f = this.string(c >> 2);
    const invocation = type === 'invoke' ? undefined : this.invocationOf(process);
    const op: Op = {
      index: x?.i ?? this.index,
      time: this.time + Math.round(dt * 1000),
      process,
      type,
      f,
    };
    const key = entry.length > 3 ? (k === null ? undefined : this.string(k)) : invocation?.key;
    if (key !== undefined) op.key = key;
    const value = x?.nv ? undefined : entry.length > 4 ? v : invocation?.value;
    if (value !== undefined) op.value = value;
    const node =
      x && 'n' in x
        ? x.n === null
          ? undefined
          : this.string(x.n)
        : invocation
          ? invocation.node
          : this.nodeOf(process);
    if (node !== undefined) op.node = node;
    if (x?.e !== undefined) op.error = this.string(x.e);
    const final = x && 'f' in x ? (x.f ?? undefined) : invocation?.final;
    if (final !== undefined) op.final = final as Op['final'];
    const replica = x && 'r' in x ? x.r || undefined : invocation?.replica;
    if (replica) op.replica = true;
    if (x?.s) op.siblings = true;
    this.advance(op);
    return op;
  }

  private string(id: unknown): string {
    const text = typeof id === 'number' ? this.strings[id] : undefined;
    if (text === undefined) throw new FormatError(`string id ${JSON.stringify(id)} is not defined`);
    return text;
  }
}

export function isHeader(entry: unknown): boolean {
  return (
    typeof entry === 'object' &&
    entry !== null &&
    (entry as Record<string, unknown>)['faultline-history'] === 2
  );
}
