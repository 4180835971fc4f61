import { describe, expect, it } from 'vitest';
import { lineReader, lineWriter } from './protocol.ts';

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
});
