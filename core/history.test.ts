import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { history, op } from '../test/histories.ts';
import { tempDir } from '../test/temp-dirs.ts';
import { HistoryParseError, type Op, opLine, pairs, parseHistory, valuesRead } from './history.ts';
import { FORMAT_HEADER, HistoryEncoder } from './history-codec.ts';
import { readHistoryFile } from './history-reader.ts';

describe('history', () => {
  it('pairs each invocation with the next op of its process', () => {
    const h = history(
      { process: 0, type: 'invoke', f: 'write', key: 'k', value: 1 },
      { process: 1, type: 'invoke', f: 'read', key: 'k', value: null },
      { process: 'nemesis', type: 'info', f: 'kill', value: { nodes: ['n1'] } },
      { process: 1, type: 'ok', f: 'read', key: 'k', value: 1 },
      { process: 2, type: 'invoke', f: 'write', key: 'k', value: 2 },
    );
    const p = pairs(h);
    expect(p).toHaveLength(3);
    expect(p[0]!.complete).toBeUndefined();
    expect(p[1]!.complete!.value).toBe(1);
    expect(p[2]!.complete).toBeUndefined();
  });

  it('reports a malformed line with its number', () => {
    const text = `${JSON.stringify(history(...op(0, 'write', 'k', 1, 'ok'))[0])}\n\n{"oops"\n`;
    expect(() => parseHistory(text)).toThrow(HistoryParseError);
    expect(() => parseHistory(text)).toThrow(/^line 3:/);
    expect(() => parseHistory('{"process":0,"type":"maybe","f":"read"}')).toThrow(
      /line 1: bad type/,
    );
  });

  it('writes each op as the JSON that JSON.stringify gives, whatever its strings and values', () => {
    const anOp = fc.record(
      {
        index: fc.nat(),
        time: fc.maxSafeNat(),
        process: fc.oneof(fc.nat(), fc.constant('nemesis' as const)),
        type: fc.constantFrom('invoke', 'ok', 'fail', 'info'),
        f: fc.string(),
        key: fc.string({ unit: 'binary' }),
        value: fc.jsonValue(),
        node: fc.string(),
        error: fc.string({ unit: 'binary' }),
        final: fc.constantFrom('cluster', 'replica'),
        replica: fc.constant(true as const),
        siblings: fc.constant(true as const),
      },
      { requiredKeys: ['index', 'time', 'process', 'type', 'f'] },
    );
    fc.assert(
      fc.property(anOp, (o) => {
        const line = opLine(o as Op);
        expect(line.endsWith('\n')).toBe(true);
        expect(JSON.parse(line)).toEqual(JSON.parse(JSON.stringify(o)));
      }),
      { numRuns: 2000 },
    );
  });

  it('spreads siblings and treats null as nothing read', () => {
    const [, ok] = history(...op(0, 'read', 'k', null, 'ok', [1, 2], { siblings: true }));
    expect(valuesRead(ok!)).toEqual([1, 2]);
    const [, none] = history(...op(0, 'read', 'k', null, 'ok', null));
    expect(valuesRead(none!)).toEqual([]);
  });
});

describe('history: the compact format', () => {
  it('the compact format gives back every op as it was written, whatever its fields', () => {
    // Ops as runs make them (few processes, repeated keys and nodes, a
    // completion after its invocation) and as they may not (anything).
    const small = <T>(values: T[]) => fc.constantFrom(...values);
    const anOp = fc.record(
      {
        dt: fc.oneof(
          fc.nat(5_000_000),
          fc.nat(5_000).map((us) => us * 1000),
        ),
        process: fc.oneof(small([0, 1, 2, 17]), fc.constant('nemesis' as const), fc.nat()),
        type: small(['invoke', 'ok', 'fail', 'info'] as const),
        f: fc.oneof(small(['read', 'update', 'txn']), fc.string()),
        key: fc.oneof(small(['k1', 'k2']), fc.string({ unit: 'binary' })),
        value: fc.oneof(fc.constant(null), fc.integer(), fc.jsonValue()),
        node: fc.oneof(small(['n1', 'n2']), fc.string()),
        error: fc.string({ unit: 'binary' }),
        final: small(['cluster', 'replica'] as const),
        replica: fc.constant(true as const),
        siblings: fc.constant(true as const),
        skip: fc.oneof(fc.constant(0), fc.constant(0), fc.nat(3)),
      },
      { requiredKeys: ['dt', 'process', 'type', 'f', 'skip'] },
    );
    fc.assert(
      fc.property(fc.array(anOp, { maxLength: 60 }), fc.boolean(), (drafts, reuse) => {
        const ops: Op[] = [];
        let time = 0;
        let index = 0;
        const lastInvoke = new Map<unknown, Op>();
        for (const { dt, skip, ...fields } of drafts) {
          time += dt;
          index += skip;
          const op = { ...fields, index: index++, time } as Op;
          // A completion that carries its invocation's own objects, as the worker's do.
          const invocation = lastInvoke.get(op.process);
          if (reuse && invocation && op.type !== 'invoke') {
            op.value = invocation.value;
            if (invocation.key !== undefined) op.key = invocation.key;
            else delete op.key;
          }
          if (op.type === 'invoke') lastInvoke.set(op.process, op);
          ops.push(op);
        }
        const encoder = new HistoryEncoder();
        const text = `${FORMAT_HEADER}\n${ops.map((o) => encoder.encode(o)).join('')}`;
        expect(parseHistory(text)).toStrictEqual(ops.map((o) => JSON.parse(JSON.stringify(o))));
      }),
      { numRuns: 3000 },
    );
  });

  it('compact: a bad line is named; a last line cut short is left out', () => {
    const encoder = new HistoryEncoder();
    const write = {
      index: 0,
      time: 1000,
      process: 0,
      type: 'invoke',
      f: 'write',
      key: 'k',
      value: 1,
    };
    const lines = `${FORMAT_HEADER}\n${encoder.encode(write as Op)}`;
    expect(lines.split('\n')).toEqual([FORMAT_HEADER, '"write"', '"k"', '[1,0,0,1,1]', '']);
    expect(parseHistory(`${lines}[5,0,`)).toHaveLength(1);
    expect(() => parseHistory(`${lines}[5,0,\n`)).toThrow(/^line 5: not JSON/);
    expect(() => parseHistory(`${lines}[5,0,9]\n`)).toThrow(/^line 5: string id 2 is not defined/);
    expect(() => parseHistory(`${lines}{"x":1}\n`)).toThrow(
      /^line 5: not an op, a string or the header/,
    );
  });

  it('a file read a few bytes at a time gives the same ops, multi-byte characters split or not', () => {
    const encoder = new HistoryEncoder();
    const ops = history(
      ...op(0, 'write', 'clé', 'ünïcödé ✓', 'ok'),
      ...op(1, 'read', 'clé', null, 'ok', 'ünïcödé ✓'),
      ...op(2, 'write', '键', 7, 'fail'),
    );
    const text = `${FORMAT_HEADER}\n${ops.map((o) => encoder.encode(o)).join('')}`;
    const file = join(tempDir('fl-history-'), 'h.jsonl');
    writeFileSync(file, text);
    for (const chunk of [1, 3, 7, 64]) {
      const read: Op[] = [];
      readHistoryFile(file, (o) => read.push(o), chunk);
      expect(read).toEqual(parseHistory(text));
    }
    expect(parseHistory(text)).toEqual(ops);
  });
});
