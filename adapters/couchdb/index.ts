import { isLocalImage } from '../../core/provider.ts';
import { provisionOn } from '../provision.ts';
import { onImageRow, type System } from '../types.ts';
import { ApacheCouchCluster } from './apache-cluster.ts';
import { APACHE_AUTH } from './apache-files.ts';
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
  officialImage: 'couchdb:3',
  onImage: (image) => (isLocalImage(image) ? couchdb : apacheCouchdb(image)),
  defaultNodes: 3,
  // On docker the image decides: PouchDB's server is mounted from the repository, CouchDB is the image's.
  blocker: (provider) => (provider === 'local' ? couchdbBlocker() : undefined),
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

/**
 * The CouchDB row on an image with Apache CouchDB 3 (the official
 * `couchdb` image, on the docker provider): a real cluster, q shards of n
 * copies, any node coordinating (apache-cluster.ts). A node's own copy
 * cannot be read on its own through the clustered API, so replica reads
 * are not offered.
 */
function apacheCouchdb(image: string): System<CouchSettings> {
  return onImageRow(couchdb, {
    engine: `Apache CouchDB cluster (the image ${image})`,
    blocker: undefined,
    build: undefined,
    clients: {
      kv: async (cluster, node, settings) =>
        new CouchKvClient(cluster, node, settings, APACHE_AUTH),
      register: async (cluster, node, settings) =>
        new CouchKvClient(cluster, node, settings, APACHE_AUTH),
      set: async (cluster, node, settings) =>
        new CouchSetClient(cluster, node, settings, APACHE_AUTH),
    },
    features: ['cas'],
    validate({ nodes, settings }) {
      if (nodes < 3) return `couchdb: a CouchDB cluster here has at least 3 nodes (got ${nodes})`;
      if (settings.copies > nodes)
        return `couchdb: n=${settings.copies} copies need as many nodes (got --nodes=${nodes})`;
      return undefined;
    },
    describe: ({ shards, copies }) => `Apache CouchDB cluster, q=${shards} n=${copies}`,
    provision: (provider, options) =>
      provisionOn(provider, options, (o) => new ApacheCouchCluster(o, o.settings)),
  });
}
