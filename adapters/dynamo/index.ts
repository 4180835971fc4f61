import { provisionOn } from '../provision.ts';
import type { System } from '../types.ts';
import { DynamoKvClient, DynamoSetClient } from './client.ts';
import { DynamoCluster, SUBNET } from './cluster.ts';
import { type DynamoSettings, dynamoSettings } from './settings.ts';

/** The built-in Dynamo-style store (dynamo/), run as real node processes. */
export const dynamo: System<DynamoSettings> = {
  name: 'dynamo',
  engine: 'faultline dynamo 0.1 (built-in)',
  subnet: SUBNET,
  claims: {
    concurrencyControl: 'MVCC',
    dataStorage: 'Plug-in',
    replication: 'Async',
    transactions: 'N',
    cap: 'AP',
    nodeAddition: 'dynamic',
  },
  // No cas, no transactions, no counters: the register runs on reads and writes.
  clients: {
    kv: async (cluster, node, settings) => new DynamoKvClient(cluster.nodes, node, settings),
    register: async (cluster, node, settings) => new DynamoKvClient(cluster.nodes, node, settings),
    set: async (cluster, node, settings) => new DynamoSetClient(cluster.nodes, node, settings),
  },
  features: ['replica-read'],
  image: 'node',
  defaultNodes: 3,
  settings: dynamoSettings,

  validate({ nodes, settings }) {
    const { n, r, w } = settings;
    if (nodes < n) {
      return `--nodes=${nodes} is fewer than dynamo's replication factor N=${n}: use --nodes=${n} or more, or lower --n`;
    }
    if (r > n || w > n) return `dynamo needs R and W at most N: got N=${n} R=${r} W=${w}`;
    return undefined;
  },

  describe(settings) {
    const { n, r, w, fsync, sloppyQuorum, conflicts, coordination } = settings;
    const sloppy = sloppyQuorum === 'on' ? ' sloppy' : '';
    const byClient = coordination === 'client' ? ', client-coordinated' : '';
    return `N=${n} R=${r} W=${w}${sloppy}${byClient}, ${conflicts === 'lww' ? 'last-write-wins, ' : ''}fsync ${fsync}`;
  },

  provision: (provider, options) =>
    provisionOn(provider, options, (o) => new DynamoCluster(o, o.settings)),
};
