import { provisionLocal, settingsProblem } from '../provision.ts';
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
  limitedTransactions: 'single-partition LWT',
  // cas: lightweight transactions; counter: counter columns.
  capabilities: ['kv', 'cas', 'counter'],
  defaultNodes: 3,
  blocker: cassandraBlocker,
  // Java to run it, Maven to fetch its jars (build).
  packages: ['openjdk-17-jre-headless', 'maven'],
  build: installCassandra,

  validate({ nodes, settings }) {
    const problem = settingsProblem('cassandra', CassandraSettings, settings);
    if (problem) return problem;
    const { replicationFactor } = parseCassandraSettings(settings);
    if (nodes < replicationFactor)
      return `cassandra: ${nodes} node(s) cannot hold ${replicationFactor} replicas`;
    return undefined;
  },

  describe(settings) {
    const { consistency, replicationFactor } = parseCassandraSettings(settings);
    return `RF=${replicationFactor}, reads and writes at ${consistency.toUpperCase()}, LWT at SERIAL`;
  },

  provision: (provider, options) =>
    provisionLocal(
      'cassandra',
      provider,
      () => new CassandraLocalCluster(options, parseCassandraSettings(options.settings)),
    ),

  async connect(_cluster, node, settings, workload) {
    return new CassandraClient(node, parseCassandraSettings(settings), workload ?? 'kv');
  },
};
