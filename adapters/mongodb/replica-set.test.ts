import { MongoServerError } from 'mongodb';
import { describe, expect, it } from 'vitest';
import type { NodeHandle } from '../types.ts';
import {
  AbortedBeforeCommit,
  completionOf,
  connectionString,
  transactionCompletionOf,
} from './client.ts';
import { isMember, replicaSetConfig } from './replica-set.ts';

const node = (n: number): NodeHandle => ({
  id: `n${n}`,
  host: `10.213.13.${n}`,
  port: 27017,
  clientAddress: `10.213.13.${100 + n}`,
});
const members = [node(1), node(2), node(3)];

describe('the MongoDB replica set', () => {
  it('replSetInitiate: every node a voting member at its own address', () => {
    expect(replicaSetConfig(members)).toEqual({
      _id: 'rs0',
      members: [
        { _id: 0, host: '10.213.13.1:27017' },
        { _id: 1, host: '10.213.13.2:27017' },
        { _id: 2, host: '10.213.13.3:27017' },
      ],
    });
  });

  it('a member is formed when hello says primary or secondary of this set, not before rs.initiate', () => {
    expect(isMember({ setName: 'rs0', isWritablePrimary: true })).toBe(true);
    expect(isMember({ setName: 'rs0', secondary: true })).toBe(true);
    // A mongod started with --replSet but not initiated: no set name, neither role.
    expect(isMember({ isWritablePrimary: false, secondary: false })).toBe(false);
    expect(isMember({ setName: 'other', secondary: true })).toBe(false);
  });

  it('workers of a replica set seed the driver with every member; FerretDB is one node, direct', () => {
    expect(connectionString(members[1]!, members)).toBe(
      'mongodb://10.213.13.1:27017,10.213.13.2:27017,10.213.13.3:27017/?replicaSet=rs0',
    );
    expect(connectionString(members[1]!)).toBe('mongodb://10.213.13.2:27017/');
  });

  it('a transaction aborted before its commit is a definite failure, whatever the server said; its commit may be unknown', () => {
    const txn = { f: 'txn', value: [['append', 'x', 1]] };
    const interrupted = new MongoServerError({
      ok: 0,
      code: 11602,
      codeName: 'InterruptedDueToReplStateChange',
      errmsg: 'operation was interrupted',
    });
    // Outside a transaction an interruption may have applied the write…
    expect(completionOf(txn, interrupted).type).toBe('info');
    // …inside one before the commit, the abort undoes it.
    expect(transactionCompletionOf(txn, new AbortedBeforeCommit(interrupted))).toMatchObject({
      type: 'fail',
      error: 'MongoServerError: operation was interrupted',
    });
    // The commit itself interrupted: it may have committed.
    expect(transactionCompletionOf(txn, interrupted).type).toBe('info');
    const commit = new MongoServerError({
      ok: 0,
      code: 50,
      codeName: 'MaxTimeMSExpired',
      errmsg: 't',
    });
    commit.addErrorLabel('UnknownTransactionCommitResult');
    expect(transactionCompletionOf(txn, commit).type).toBe('info');
  });
});
