import {
  MongoNetworkError,
  MongoNetworkTimeoutError,
  MongoServerError,
  MongoServerSelectionError,
  MongoWriteConcernError,
} from 'mongodb';
import { describe, expect, it } from 'vitest';
import type { Invocation } from '../types.ts';
import { completionOf } from './client.ts';

/** An error the server answered with, as the driver reports it. */
const server = (code: number, codeName: string) =>
  new MongoServerError({ ok: 0, code, codeName, errmsg: codeName });

const write: Invocation = { f: 'write', key: 'k', value: 1 };
const cas: Invocation = { f: 'cas', key: 'k', value: [1, 2] };
const read: Invocation = { f: 'read', key: 'k' };

describe('MongoDB error mapping', () => {
  it('a refusal before writing is a definite failure', () => {
    expect(completionOf(write, server(10107, 'NotWritablePrimary')).type).toBe('fail');
    expect(completionOf(write, server(13435, 'NotPrimaryNoSecondaryOk')).type).toBe('fail');
    expect(completionOf(cas, server(11000, 'DuplicateKey')).type).toBe('fail');
  });

  it('no server to send it to is a definite failure', () => {
    const error = new MongoServerSelectionError('Server selection timed out after 2000 ms', {
      servers: new Map(),
    } as never);
    expect(completionOf(write, error).type).toBe('fail');
    expect(
      completionOf(write, new MongoNetworkError('connect ECONNREFUSED 127.0.13.1:27017')).type,
    ).toBe('fail');
  });

  it('a write that may have been applied is unknown', () => {
    expect(
      completionOf(write, new MongoNetworkError('connection 3 to 127.0.13.1:27017 closed')).type,
    ).toBe('info');
    expect(completionOf(write, new MongoNetworkTimeoutError('connection 3 timed out')).type).toBe(
      'info',
    );
    expect(completionOf(write, server(11602, 'InterruptedDueToReplStateChange')).type).toBe('info');
    const concern = new MongoWriteConcernError({
      writeConcernError: { code: 64, errmsg: 'waiting for replication timed out' },
    } as never);
    expect(completionOf(write, concern).type).toBe('info');
  });

  it('UnknownTransactionCommitResult is unknown, whatever the error', () => {
    const error = server(112, 'WriteConflict');
    error.addErrorLabel('UnknownTransactionCommitResult');
    expect(completionOf(write, error).type).toBe('info');
  });

  it('reads fail whatever went wrong: they change nothing', () => {
    expect(completionOf(read, new MongoNetworkError('connection 3 closed')).type).toBe('fail');
    expect(completionOf(read, server(11602, 'InterruptedDueToReplStateChange')).type).toBe('fail');
  });
});
