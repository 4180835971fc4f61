import { describe, expect, it } from 'vitest';
import { clusterNodes } from './membership.ts';

describe('CLUSTER NODES, as a membership change reads it', () => {
  it('counts slot ranges and single slots, not slots in migration, and names each replica’s master', () => {
    const text = [
      'a1 127.0.12.1:6379@16379 myself,master - 0 0 1 connected 0-5460 7000',
      'b2 127.0.12.2:6379@16379 master - 0 1700000000000 2 connected 5461-6999 7001-10922 [7002->-c3]',
      'c3 127.0.12.7:6379@16379 master - 0 1700000000000 7 disconnected',
      'd4 127.0.12.4:6379@16379 slave a1 0 1700000000000 1 connected',
      '',
    ].join('\n');
    expect(clusterNodes(text)).toEqual([
      {
        id: 'a1',
        address: '127.0.12.1:6379',
        master: true,
        masterId: undefined,
        slots: 5462,
        connected: true,
      },
      {
        id: 'b2',
        address: '127.0.12.2:6379',
        master: true,
        masterId: undefined,
        slots: 5461,
        connected: true,
      },
      {
        id: 'c3',
        address: '127.0.12.7:6379',
        master: true,
        masterId: undefined,
        slots: 0,
        connected: false,
      },
      {
        id: 'd4',
        address: '127.0.12.4:6379',
        master: false,
        masterId: 'a1',
        slots: 0,
        connected: true,
      },
    ]);
  });
});
