import { provisionOn } from '../provision.ts';
import type { System } from '../types.ts';
import { CouchClient } from './client.ts';
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
  // cas: an update with the `_rev` read; replica-read: every node holds every document.
  capabilities: ['kv', 'cas', 'replica-read'],
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

  async connect(cluster, node, settings, workload) {
    return new CouchClient(cluster, node, settings, workload ?? 'kv');
  },
};
