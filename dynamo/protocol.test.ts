import { describe, expect, it } from 'vitest';
import { lineReader, lineWriter, okReply, replicateRequest, Serialized } from './protocol.ts';

describe('the wire: one JSON object per line', () => {
  it('reads messages split anywhere across chunks, several to a chunk', () => {
    const got: unknown[] = [];
    const read = lineReader((m) => got.push(m));
    const text = `${JSON.stringify({ id: 1, s: 'ä\\n' })}\n${JSON.stringify({ id: 2 })}\n\n{"id":3}\n`;
    const bytes = Buffer.from(text);
    for (let i = 0; i < bytes.length; i += 5) read(bytes.subarray(i, i + 5));
    expect(got).toEqual([{ id: 1, s: 'ä\\n' }, { id: 2 }, { id: 3 }]);
  });

  it("writes the messages of one turn in one write, the next turn's in another", async () => {
    const writes: string[] = [];
    const send = lineWriter({ destroyed: false, write: (t) => writes.push(t) > 0 });
    send({ id: 1 });
    send({ id: 2 });
    expect(writes).toEqual([]);
    await new Promise((r) => setImmediate(r));
    send({ id: 3 });
    await new Promise((r) => setImmediate(r));
    expect(writes).toEqual(['{"id":1}\n{"id":2}\n', '{"id":3}\n']);
  });

  it('drops what a destroyed socket can no longer take', async () => {
    const writes: string[] = [];
    const sink = { destroyed: false, write: (t: string) => writes.push(t) > 0 };
    const send = lineWriter(sink);
    send({ id: 1 });
    sink.destroyed = true;
    await new Promise((r) => setImmediate(r));
    expect(writes).toEqual([]);
  });

  it('writes an already serialized result into its reply as the object form would read', async () => {
    const writes: string[] = [];
    const send = lineWriter({ destroyed: false, write: (t) => writes.push(t) > 0 });
    const result = { versions: [{ value: 'ä"\n', dot: { node: 'n1#1', counter: 2 } }] };
    send(okReply(7, new Serialized(JSON.stringify(result))));
    send(okReply(8, result));
    await new Promise((r) => setImmediate(r));
    const got: unknown[] = [];
    lineReader((m) => got.push(m))(Buffer.from(writes.join('')));
    expect(got).toEqual([
      { id: 7, ok: true, result },
      { id: 8, ok: true, result },
    ]);
  });

  it('builds a replicate request around versions in JSON that reads as the object form', () => {
    const versions = [{ value: 'ä"\n', dot: { node: 'n1#1', counter: 2 }, context: { vv: {} } }];
    const json = JSON.stringify(versions);
    expect(JSON.parse(replicateRequest('k"1', json).json)).toEqual({
      type: 'replicate',
      key: 'k"1',
      versions,
    });
    expect(JSON.parse(replicateRequest('k', json, 'n3').json)).toEqual({
      type: 'replicate',
      key: 'k',
      versions,
      hint: 'n3',
    });
  });
});
