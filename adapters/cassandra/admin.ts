import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
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

const run = promisify(execFile);

/**
 * Cassandra's nodetool (its NodeTool class, from the server's own jars)
 * against a node's local JMX port; resolves when the command has finished
 * (decommission returns once the node has left).
 */
export async function nodetool(
  java: string,
  lib: string,
  jmxPort: number,
  args: string[],
  timeoutMs: number,
): Promise<string> {
  const argv = [
    '-Xmx128m',
    ...JAVA17_FLAGS,
    '-cp',
    `${lib}/*`,
    'org.apache.cassandra.tools.NodeTool',
    ...['-h', '127.0.0.1', '-p', String(jmxPort)],
    ...args,
  ];
  try {
    return (await run(java, argv, { timeout: timeoutMs })).stdout;
  } catch (error) {
    const {
      stdout = '',
      stderr = '',
      message,
    } = error as Error & { stdout?: string; stderr?: string };
    const tail = `${stdout}\n${stderr}`.trim().split('\n').slice(-3).join(' ');
    throw new Error(`nodetool ${args.join(' ')} failed: ${tail || message}`);
  }
}
