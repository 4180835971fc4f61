import { join } from 'node:path';
import type { NodeHandle } from '../types.ts';

export const PORTS = { storage: 7000, native: 9042 } as const;

/**
 * A node's cassandra.yaml: its own address for gossip, internode and CQL,
 * its own folders, `seed` as seed. The nodes of a new cluster start with
 * `auto_bootstrap: false`: the cluster is empty, so they join without
 * streaming and need not wait for one another's bootstrap. A node added
 * to a running cluster (`bootstrap`) streams its ranges before it serves.
 */
export function cassandraYaml(
  node: NodeHandle,
  seed: NodeHandle,
  dir: string,
  bootstrap = false,
): string {
  const lines = [
    'cluster_name: faultline',
    'num_tokens: 8',
    'partitioner: org.apache.cassandra.dht.Murmur3Partitioner',
    'seed_provider:',
    '  - class_name: org.apache.cassandra.locator.SimpleSeedProvider',
    '    parameters:',
    `      - seeds: "${seed.host}:${PORTS.storage}"`,
    `listen_address: ${node.host}`,
    `rpc_address: ${node.host}`,
    `storage_port: ${PORTS.storage}`,
    `native_transport_port: ${node.port}`,
    'start_native_transport: true',
    `auto_bootstrap: ${bootstrap}`,
    `data_file_directories: [${join(dir, 'data')}]`,
    `commitlog_directory: ${join(dir, 'commitlog')}`,
    `saved_caches_directory: ${join(dir, 'saved_caches')}`,
    `hints_directory: ${join(dir, 'hints')}`,
    // Acknowledged writes sit in the commit log up to 10 s before an fsync,
    // Cassandra's default: a kill -9 of every replica can lose them.
    'commitlog_sync: periodic',
    'commitlog_sync_period: 10000ms',
    'endpoint_snitch: SimpleSnitch',
    'concurrent_compactors: 1',
  ];
  return `${lines.join('\n')}\n`;
}

export const LOGBACK = `<configuration>
  <appender name="STDOUT" class="ch.qos.logback.core.ConsoleAppender">
    <encoder><pattern>%-5level [%thread] %date{ISO8601} %F:%L - %msg%n</pattern></encoder>
  </appender>
  <root level="INFO"><appender-ref ref="STDOUT" /></root>
</configuration>
`;
