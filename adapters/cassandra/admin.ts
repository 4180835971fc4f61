import cassandra from 'cassandra-driver';
import type { NodeHandle } from '../types.ts';
import { JAVA17_FLAGS } from './jvm.ts';

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

/**
 * The arguments that make `java` run Cassandra's nodetool (its NodeTool
 * class, from the server's own jars) against a node's local JMX port. Run
 * beside the node (NodeCluster.exec): on this machine, or in the node's
 * container, whose JMX port only the container reaches.
 */
export function nodetoolArgs(lib: string, jmxPort: number, args: string[]): string[] {
  return [
    '-Xmx128m',
    ...JAVA17_FLAGS,
    '-cp',
    `${lib}/*`,
    'org.apache.cassandra.tools.NodeTool',
    ...['-h', '127.0.0.1', '-p', String(jmxPort)],
    ...args,
  ];
}
