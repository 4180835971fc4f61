import { provisionOn } from '../provision.ts';
import type { System } from '../types.ts';
import { CouchKvClient, CouchSetClient } from './client.ts';
import { CouchCluster, SUBNET } from './cluster.ts';
import { couchdbBlocker, installServer, pouchdbVersion } from './engine.ts';
import { type CouchSettings, couchSettings } from './settings.ts';

/**
 * The CouchDB row. Apache CouchDB is in no registry this machine reaches;
 * locally the row runs PouchDB's CouchDB-compatible server, and says so.
 */
export const couchdb: System<CouchSettings> = {
  name: 'couchdb',
  get engine() {
    return `PouchDB server ${pouchdbVersion() ?? '(not installed)'} (express-pouchdb, CouchDB-compatible; not Apache CouchDB)`;
  },
  subnet: SUBNET,
  claims: {
    concurrencyControl: 'MVCC',
    dataStorage: 'Disk',
    replication: 'Async',
    transactions: 'N',
    cap: 'AP',
  },
  clients: {
    kv: async (cluster, node, settings) => new CouchKvClient(cluster, node, settings),
    register: async (cluster, node, settings) => new CouchKvClient(cluster, node, settings),
    set: async (cluster, node, settings) => new CouchSetClient(cluster, node, settings),
  },
  // cas: an update with the `_rev` read; replica-read: every node holds every document.
  features: ['cas', 'replica-read'],
  image: 'node',
  defaultNodes: 3,
  blocker: couchdbBlocker,
  build: installServer,
  settings: couchSettings,

  validate({ nodes }) {
    if (nodes < 2) return `couchdb needs at least 2 nodes to replicate (got ${nodes})`;
    return undefined;
  },

  describe() {
    return 'master-master, continuous push replication to every peer';
  },

  provision: (provider, options) =>
    provisionOn(provider, options, (o) => new CouchCluster(o, o.settings)),
};
