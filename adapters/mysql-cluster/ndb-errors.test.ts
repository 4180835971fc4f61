import type { AddressInfo } from 'node:net';
import mysql from 'mysql2';
import mysqlPromise from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Invocation } from '../types.ts';
import { completionOf, ndbErrorCode } from './client.ts';

/**
 * NDB's errors as the driver reports them: a fake server (mysql2's own
 * server side) answers every statement with the error packet mysqld sends
 * for an NDB error, and a real mysql2 client parses it into its own error.
 */
const answers = new Map<string, { code: number; message: string }>();
let server: ReturnType<typeof mysql.createServer>;
let port = 0;

beforeAll(async () => {
  // mysql2's server side does not restart its packet count after the
  // handshake, and prints a warning for each connection: noise here.
  const print = console.error;
  vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
    if (!String(args[0]).startsWith('Warning: got packets out of order')) print(...args);
  });
  server = mysql.createServer((connection) => {
    // The client hangs up after each statement: nothing to report.
    connection.on('error', () => {});
    connection.serverHandshake({
      protocolVersion: 10,
      serverVersion: '8.4.0-cluster',
      connectionId: 1,
      statusFlags: 2,
      characterSet: 33,
      capabilityFlags: 0xa7ff,
    } as never);
    connection.on('query', (sql: string) => {
      const answer = answers.get(sql);
      if (answer) connection.writeError(answer);
      else connection.writeOk();
    });
  });
  // mysql2's server listens as net.Server does; its types say less.
  const net = server as unknown as {
    listen(port: number, host: string, ready: () => void): void;
    close(): void;
    _server: { address(): AddressInfo };
  };
  await new Promise<void>((resolve) => net.listen(0, '127.0.0.1', resolve));
  port = net._server.address().port;
});

afterAll(() => {
  (server as unknown as { close(): void }).close();
  vi.restoreAllMocks();
});

/** The error mysql2 raises when the server answers `sql` with that code and message. */
async function driverError(code: number, message: string): Promise<unknown> {
  const sql = `SELECT ${answers.size}`;
  answers.set(sql, { code, message });
  const connection = await mysqlPromise.createConnection({ host: '127.0.0.1', port, user: 'x' });
  try {
    return await connection.query(sql).then(
      () => expect.unreachable(`${sql} should have failed`),
      (error: unknown) => error,
    );
  } finally {
    connection.destroy();
  }
}

const transfer: Invocation = { f: 'transfer', value: { from: 'a', to: 'b', amount: 1 } };
const write: Invocation = { f: 'write', key: 'k', value: 1 };
const committing = { committing: true };

describe('NDB error mapping, on errors as mysql2 parses them', () => {
  it('finds the NDB code inside mysqld 1296 and 1297', async () => {
    const temporary = await driverError(
      1297,
      "Got temporary error 4010 'Node failure caused abort of transaction' from NDBCLUSTER",
    );
    expect(temporary).toMatchObject({ errno: 1297 });
    expect(ndbErrorCode(temporary as never)).toBe(4010);
    const permanent = await driverError(1296, "Got error 4009 'Cluster Failure' from NDBCLUSTER");
    expect(ndbErrorCode(permanent as never)).toBe(4009);
    const other = await driverError(1213, 'Deadlock found when trying to get lock');
    expect(ndbErrorCode(other as never)).toBeUndefined();
  });

  it('a transaction NDB aborted (node failure, cluster failure, lock wait) is a definite failure, even at COMMIT', async () => {
    const aborted = [
      [1297, "Got temporary error 4010 'Node failure caused abort of transaction' from NDBCLUSTER"],
      [1296, "Got error 4009 'Cluster Failure' from NDBCLUSTER"],
      [1205, 'Lock wait timeout exceeded; try restarting transaction'],
    ] as const;
    for (const [code, message] of aborted)
      expect(completionOf(transfer, await driverError(code, message), committing).type).toBe(
        'fail',
      );
  });

  it("NDB's unknown-result errors leave the outcome unknown: the transaction may have committed", async () => {
    const unknown = [
      [
        1297,
        "Got temporary error 4012 'Request ndbd time-out, maybe due to high load or communication problems' from NDBCLUSTER",
      ],
      [1297, "Got temporary error 4008 'Receive from NDB failed' from NDBCLUSTER"],
      [
        1296,
        "Got error 4115 'Transaction was committed but all read information was not received due to node crash' from NDBCLUSTER",
      ],
    ] as const;
    for (const [code, message] of unknown) {
      const error = await driverError(code, message);
      expect(completionOf(transfer, error, committing).type).toBe('info');
      expect(completionOf(write, error, { committing: false }).type).toBe('info');
    }
  });

  it('a read fails whatever NDB said: it changed nothing', async () => {
    const error = await driverError(
      1297,
      "Got temporary error 4012 'Request ndbd time-out' from NDBCLUSTER",
    );
    expect(completionOf({ f: 'read', key: 'k' }, error, committing).type).toBe('fail');
  });
});
