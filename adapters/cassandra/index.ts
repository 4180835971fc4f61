import { isLocalImage } from '../../core/provider.ts';
import { provisionOn } from '../provision.ts';
import { onImageRow, type System } from '../types.ts';
import {
  CassandraCounterClient,
  CassandraKvClient,
  CassandraRegisterClient,
  CassandraSetClient,
} from './client.ts';
import { CassandraCluster, SUBNET } from './cluster.ts';
import { CASSANDRA_VERSION, cassandraBlocker, installCassandra } from './engine.ts';
import { type CassandraSettings, cassandraSettings } from './settings.ts';

/** Apache Cassandra itself (the server jars from Maven Central), on the machine's JDK. */
export const cassandraSystem: System<CassandraSettings> = {
  name: 'cassandra',
  engine: `Apache Cassandra ${CASSANDRA_VERSION} (cassandra-all from Maven Central)`,
  subnet: SUBNET,
  claims: {
    concurrencyControl: 'MVCC',
    dataStorage: 'Disk',
    replication: 'Async',
    transactions: 'L',
    cap: 'AP',
    // Consistent hashing: "node addition/deletion to cluster and auto recovery".
    nodeAddition: 'dynamic',
  },
  limitedTransactions: 'single-partition LWT',
  clients: {
    kv: async (_cluster, node, settings) => new CassandraKvClient(node, settings),
    register: async (_cluster, node, settings) => new CassandraRegisterClient(node, settings),
    set: async (_cluster, node, settings) => new CassandraSetClient(node, settings),
    counter: async (_cluster, node, settings) => new CassandraCounterClient(node, settings),
  },
  // cas: lightweight transactions.
  features: ['cas'],
  image: 'cassandra',
  officialImage: 'cassandra:5.0',
  // faultline's image runs the jars of faultline's cache (setup fetches
  // them); the official image runs its own Cassandra.
  onImage: (image) =>
    isLocalImage(image)
      ? onImageRow(cassandraSystem, { blocker: () => cassandraBlocker('docker') })
      : onImageRow(cassandraSystem, {
          engine: `Apache Cassandra (the image ${image})`,
          blocker: undefined,
        }),
  defaultNodes: 3,
  // On docker the image decides (onImage).
  blocker: (provider) => (provider === 'local' ? cassandraBlocker('local') : undefined),
  // Java to run it, Maven to fetch its jars (build).
  packages: ['openjdk-17-jre-headless', 'maven'],
  build: installCassandra,
  settings: cassandraSettings,

  validate({ nodes, settings }) {
    const { replicationFactor } = settings;
    if (nodes < replicationFactor)
      return `cassandra: ${nodes} node(s) cannot hold ${replicationFactor} replicas`;
    return undefined;
  },

  describe(settings) {
    const { consistency, replicationFactor } = settings;
    return `RF=${replicationFactor}, reads and writes at ${consistency.toUpperCase()}, LWT at SERIAL`;
  },

  provision: (provider, options) =>
    provisionOn(provider, options, (o) => new CassandraCluster(o, o.settings)),
};
