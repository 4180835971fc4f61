import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Connection } from './connection.ts';
import { lineReader, lineWriter, replicateRequest } from './protocol.ts';

let server: Server | undefined;
let connection: Connection | undefined;

afterEach(async () => {
  connection?.close();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
});

/** A server that answers every request with the request itself, as it read it. */
async function echo(): Promise<number> {
  server = createServer((socket) => {
    const reply = lineWriter(socket);
    socket.on(
      'data',
      lineReader((message) => {
        const { id } = message as { id: number };
        reply({ id, ok: true, result: message });
      }),
    );
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || !address) throw new Error('no port');
  return address.port;
}

describe('a connection to a node', () => {
  it('sends a request already in JSON as the object form would arrive, with its own id', async () => {
    connection = new Connection({ host: '127.0.0.1', port: await echo() });
    const versions = [{ value: 1, dot: { node: 'n1#1', counter: 1 }, context: { vv: {} } }];
    const json = JSON.stringify(versions);
    const [first, second, plain] = await Promise.all([
      connection.request<Record<string, unknown>>(replicateRequest('k', json), 1000),
      connection.request<Record<string, unknown>>(replicateRequest('k', json, 'n2'), 1000),
      connection.request<Record<string, unknown>>({ type: 'replicate', key: 'k', versions }, 1000),
    ]);
    expect(first).toEqual({ id: 1, type: 'replicate', key: 'k', versions });
    expect(second).toEqual({ id: 2, type: 'replicate', key: 'k', versions, hint: 'n2' });
    expect(plain).toEqual({ id: 3, type: 'replicate', key: 'k', versions });
  });
});
