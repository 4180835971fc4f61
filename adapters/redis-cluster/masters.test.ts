import { describe, expect, it } from 'vitest';
import { detectionMs, mastersOf } from './cluster.ts';

// CLUSTER NODES as redis-server 7 prints it (trimmed ids), with n2 failed over to n5.
const NODES = `a1 127.0.12.1:6379@16379 myself,master - 0 0 1 connected 0-5460
b2 127.0.12.2:6379@16379 slave e5 0 1 7 connected
c3 127.0.12.3:6379@16379 master - 0 1 3 connected 10923-16383
d4 127.0.12.4:6379@16379 slave c3 0 1 3 connected
e5 127.0.12.5:6379@16379 master - 0 1 7 connected 5461-10922
f6 127.0.12.6:6379@16379 slave a1 0 1 1 connected
`;

describe('Redis Cluster quorum from CLUSTER NODES', () => {
  it('the masters that serve slots, each with its replicas, and the node timeout as the detection time', () => {
    const byAddress = new Map(
      Array.from({ length: 6 }, (_, i) => [`127.0.12.${i + 1}:6379`, `n${i + 1}`] as const),
    );
    expect(mastersOf(NODES, byAddress, detectionMs(2000))).toEqual({
      rule: 'majority',
      of: 'masters',
      members: ['n1', 'n3', 'n5'],
      followers: { n1: ['n6'], n3: ['n4'], n5: ['n2'] },
      graceMs: 3100,
    });
  });
});
