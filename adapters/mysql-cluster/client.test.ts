import { describe, expect, it } from 'vitest';
import type { Invocation } from '../types.ts';
import { completionOf } from './client.ts';

/** A server error as mysql2 reports it (errno and SQLSTATE set). */
const server = (errno: number, message: string) =>
  Object.assign(new Error(message), { errno, sqlState: 'HY000', code: 'ER' });
/** A network error (no SQLSTATE: the server never answered). */
const network = (code: string) => Object.assign(new Error(`read ${code}`), { code });

const write: Invocation = { f: 'write', key: 'k', value: 1 };
const transfer: Invocation = { f: 'transfer', value: { from: 'a', to: 'b', amount: 1 } };
const readTxn: Invocation = { f: 'txn', value: [['r', 'x', null]] };
const sent = { committing: false };
const committing = { committing: true };

describe('MariaDB error mapping', () => {
  it('refusals by the server are definite failures', () => {
    expect(completionOf(write, server(1047, 'WSREP has not yet prepared node'), sent).type).toBe(
      'fail',
    );
    expect(completionOf(transfer, server(1213, 'Deadlock found'), committing).type).toBe('fail');
    expect(completionOf(write, server(1290, 'read-only'), sent).type).toBe('fail');
  });

  it('an error during COMMIT (1180) leaves the outcome unknown', () => {
    expect(completionOf(transfer, server(1180, 'Got error 6 during COMMIT'), committing).type).toBe(
      'info',
    );
  });

  it('a lost connection is unknown for a write or a COMMIT, a failure before COMMIT was sent', () => {
    expect(completionOf(write, network('ECONNRESET'), sent).type).toBe('info');
    expect(completionOf(transfer, network('ECONNRESET'), committing).type).toBe('info');
    expect(completionOf(transfer, network('PROTOCOL_CONNECTION_LOST'), sent).type).toBe('fail');
  });

  it('reads fail whatever went wrong: they change nothing', () => {
    expect(completionOf({ f: 'read', key: 'k' }, network('ETIMEDOUT'), sent).type).toBe('fail');
    expect(completionOf(readTxn, network('ECONNRESET'), committing).type).toBe('fail');
  });
});
