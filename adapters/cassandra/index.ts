import type { System } from '../types.ts';
import { CassandraClient } from './client.ts';
import { CassandraLocalCluster } from './cluster.ts';
import { CASSANDRA_VERSION, cassandraBlocker, installCassandra } from './engine.ts';
import { CassandraSettings, parseCassandraSettings } from './settings.ts';

/** Apache Cassandra itself (the server jars from Maven Central), on the machine's JDK. */
export const cassandraSystem: System = {
  name: 'cassandra',
  engine: `Apache Cassandra ${CASSANDRA_VERSION} (cassandra-all from Maven Central)`,
  claims: {
    concurrencyControl: 'MVCC',
    dataStorage: 'Disk',
    replication: 'Async',
    transactions: 'L',
    cap: 'AP',
  },
  // cas: lightweight transactions; counter: counter columns.
  capabilities: ['kv', 'cas', 'counter'],
  defaultNodes: 3,
  blocker: cassandraBlocker,
  build: installCassandra,

  validate({ nodes, settings }) {
    const parsed = CassandraSettings.safeParse(settings);
    if (!parsed.success)
      return `cassandra: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`;
    if (nodes < parsed.data.replicationFactor)
      return `cassandra: ${nodes} node(s) cannot hold ${parsed.data.replicationFactor} replicas`;
    return undefined;
  },

  describe(settings) {
    const { consistency, replicationFactor } = parseCassandraSettings(settings);
    return `RF=${replicationFactor}, reads and writes at ${consistency.toUpperCase()}, LWT at SERIAL`;
  },

  async provision(provider, options) {
    if (provider !== 'local')
      throw new Error(`cassandra runs on the local provider only (got ${provider})`);
    const cluster = new CassandraLocalCluster(options, parseCassandraSettings(options.settings));
    try {
      await cluster.create();
    } catch (error) {
      await cluster.teardown();
      throw error;
    }
    return cluster;
  },

  async connect(_cluster, node, settings, workload) {
    return new CassandraClient(node, parseCassandraSettings(settings), workload ?? 'kv');
  },
};
