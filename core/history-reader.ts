import { closeSync, openSync, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import type { Op } from './history.ts';
import { FORMAT_HEADER, FormatError, HistoryDecoder } from './history-codec.ts';

/**
 * Reads a history of either format (one JSON object per op, or the
 * compact one, known by its header) from text or from a file, a chunk at a
 * time, handing each op to `sink`: a history of any length is read in the
 * memory of what the sink keeps. A malformed line is reported with its
 * number; a last line cut short (no newline: the writer died within its
 * write) is left out.
 */

export class HistoryParseError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
  }
}

const TYPES = new Set(['invoke', 'ok', 'fail', 'info']);
/**
 * Small enough that the arrays one chunk's JSON.parse makes die young
 * (8 MB chunks spent a fifth of the read in garbage collection).
 */
const CHUNK_BYTES = 1 << 20;

export function parseHistoryText(text: string, sink: (op: Op) => void): void {
  const reader = new LineReader(sink);
  const end = text.lastIndexOf('\n') + 1;
  if (end > 0) reader.chunk(text.slice(0, end));
  reader.end(text.slice(end));
}

export function readHistoryFile(
  path: string,
  sink: (op: Op) => void,
  chunkBytes = CHUNK_BYTES,
): void {
  const reader = new LineReader(sink);
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(chunkBytes);
    const utf8 = new StringDecoder('utf8');
    let carry = '';
    for (;;) {
      const n = readSync(fd, buffer, 0, buffer.length, null);
      if (n === 0) break;
      const text = carry + utf8.write(buffer.subarray(0, n));
      const end = text.lastIndexOf('\n') + 1;
      carry = text.slice(end);
      if (end > 0) reader.chunk(text.slice(0, end));
    }
    reader.end(carry + utf8.end());
  } finally {
    closeSync(fd);
  }
}

class LineReader {
  /** Lines seen so far (the number of the next chunk's first line, less one). */
  private seen = 0;
  private format: 1 | 2 | undefined;
  private readonly decoder = new HistoryDecoder();
  private position = 0;

  constructor(private readonly sink: (op: Op) => void) {}

  /** Whole lines: `text` ends with a newline. */
  chunk(text: string): void {
    const first = this.seen + 1;
    this.seen += countNewlines(text);
    if (this.format === undefined) {
      const head = text.split('\n', 64).find((l) => l.trim() !== '');
      if (head === undefined && text.trim() === '') return;
      this.format = head?.trim() === FORMAT_HEADER ? 2 : 1;
    }
    if (this.format === 2) {
      // The writer's lines have no blanks: the whole chunk is one JSON array.
      let entries: unknown[] | undefined;
      try {
        entries = JSON.parse(`[${text.slice(0, -1).replaceAll('\n', ',')}]`) as unknown[];
      } catch {
        entries = undefined;
      }
      if (entries) {
        this.decode(entries, first);
        return;
      }
    }
    const lines = text.split('\n');
    lines.length--;
    if (this.format === 1) this.objects(lines, first);
    else this.compact(lines, first);
  }

  /** What follows the last newline: a line cut short is left out if it does not parse. */
  end(rest: string): void {
    if (rest.trim() === '') return;
    try {
      JSON.parse(rest);
    } catch {
      return;
    }
    this.chunk(`${rest}\n`);
  }

  private objects(lines: string[], first: number): void {
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!.trim();
      if (line === '') continue;
      let op: Op;
      try {
        op = JSON.parse(line) as Op;
      } catch (error) {
        throw new HistoryParseError(first + i, `not JSON (${(error as Error).message})`);
      }
      const problem = invalid(op);
      if (problem) throw new HistoryParseError(first + i, problem);
      op.index ??= this.position;
      op.time ??= 0;
      this.position++;
      this.sink(op);
    }
  }

  /** Compact lines with blanks among them, or a line that is not JSON (named). */
  private compact(lines: string[], first: number): void {
    const kept = lines.filter((l) => l.trim() !== '');
    let entries: unknown[];
    try {
      entries = JSON.parse(`[${kept.join(',')}]`) as unknown[];
    } catch {
      const bad = lines.findIndex((l) => l.trim() !== '' && !parses(l));
      throw new HistoryParseError(first + bad, `not JSON (${notJson(lines[bad]!)})`);
    }
    this.decode(entries, first, lines);
  }

  /** `lines`: the chunk's lines when blank ones may be among them (for line numbers). */
  private decode(entries: unknown[], first: number, lines?: string[]): void {
    for (let j = 0; j < entries.length; j++) {
      let op: Op | undefined;
      try {
        op = this.decoder.take(entries[j]);
      } catch (error) {
        if (!(error instanceof FormatError)) throw error;
        throw new HistoryParseError(first + (lines ? nonEmptyLine(lines, j) : j), error.message);
      }
      if (op) this.sink(op);
    }
  }
}

function invalid(op: Op): string | undefined {
  if (typeof op !== 'object' || op === null) return 'not an object';
  if (!TYPES.has(op.type)) return `bad type ${JSON.stringify(op.type)}`;
  if (typeof op.f !== 'string') return 'missing f';
  if (typeof op.process !== 'number' && op.process !== 'nemesis')
    return 'process must be a number or "nemesis"';
  return undefined;
}

function parses(line: string): boolean {
  try {
    JSON.parse(line);
    return true;
  } catch {
    return false;
  }
}

function notJson(line: string): string {
  try {
    JSON.parse(line);
    return '';
  } catch (error) {
    return (error as Error).message;
  }
}

/** The position in `lines` of the j-th line that is not blank. */
function nonEmptyLine(lines: string[], j: number): number {
  let seen = -1;
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]!.trim() !== '' && ++seen === j) return i;
  }
  return lines.length - 1;
}

function countNewlines(text: string): number {
  let n = 0;
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) n++;
  return n;
}
