import cassandra from 'cassandra-driver';
import type { NodeHandle } from '../types.ts';

/**
 * A driver client of the harness itself, coordinated by `node` only (from
 * 127.0.0.1, which partitions by address leave alone).
 */
export function adminClient(node: NodeHandle, timeoutMs = 10_000): cassandra.Client {
  const endpoint = `${node.host}:${node.port}`;
  return new cassandra.Client({
    contactPoints: [endpoint],
    localDataCenter: 'datacenter1',
    policies: {
      loadBalancing: new cassandra.policies.loadBalancing.AllowListPolicy(
        new cassandra.policies.loadBalancing.RoundRobinPolicy(),
        [endpoint],
      ),
      reconnection: new cassandra.policies.reconnection.ConstantReconnectionPolicy(500),
    },
    socketOptions: { connectTimeout: timeoutMs, readTimeout: timeoutMs },
  });
}
