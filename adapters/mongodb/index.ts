import { isLocalImage } from '../../core/provider.ts';
import { provisionOn } from '../provision.ts';
import { type Cluster, onImageRow, type System } from '../types.ts';
import {
  MongoBankClient,
  MongoKvClient,
  MongoListAppendClient,
  mongoCounterClient,
  mongoSetClient,
} from './client.ts';
import { FerretCluster, SUBNET } from './cluster.ts';
import { buildFerretdb, FERRETDB_VERSION, mongodbBlocker } from './engine.ts';
import { MongoReplicaSet } from './replica-set.ts';
import { type MongoSettings, mongoSettings } from './settings.ts';

/**
 * The clients both engines serve: to one node (FerretDB), or through a
 * driver seeded with every member of the replica set.
 */
function mongoClients(replicaSet: boolean): System<MongoSettings>['clients'] {
  const seeds = (cluster: Cluster) => (replicaSet ? cluster.nodes : undefined);
  return {
    kv: async (cluster, node, settings) => new MongoKvClient(node, settings, seeds(cluster)),
    register: async (cluster, node, settings) => new MongoKvClient(node, settings, seeds(cluster)),
    set: async (cluster, node, settings) => mongoSetClient(node, settings, seeds(cluster)),
    counter: async (cluster, node, settings) => mongoCounterClient(node, settings, seeds(cluster)),
  };
}

/**
 * The MongoDB row. mongod is in no registry this machine reaches; the
 * local provider runs FerretDB, a MongoDB wire-protocol server, as one
 * node, and the report says so: a FerretDB row never stands for mongod,
 * and replica-set behaviour (elections, rollback) is not measured by it.
 */
export const mongodb: System<MongoSettings> = {
  name: 'mongodb',
  engine: `FerretDB ${FERRETDB_VERSION} (MongoDB wire protocol on SQLite, single node; not mongod)`,
  subnet: SUBNET,
  claims: {
    concurrencyControl: 'Locks',
    dataStorage: 'Disk',
    replication: 'Async',
    transactions: 'N',
    cap: 'CP',
  },
  // FerretDB has no multi-document transactions: no bank, no list-append.
  clients: mongoClients(false),
  // cas: findOneAndUpdate on the expected value.
  features: ['cas'],
  image: 'ferretdb',
  officialImage: 'mongo:7',
  onImage: (image) => (isLocalImage(image) ? mongodb : mongodbReplicaSet(image)),
  defaultNodes: 1,
  // On docker the image decides: mongod needs nothing built, FerretDB's image is built at first use.
  blocker: (provider) => (provider === 'local' ? mongodbBlocker() : undefined),
  build: buildFerretdb,
  settings: mongoSettings,

  validate({ nodes, provider, image }) {
    // On docker, before its image is chosen, the row may yet be a replica set.
    if (provider === 'docker' && image === undefined) return undefined;
    if (nodes !== 1)
      return `mongodb: the local provider runs FerretDB as a single node (a mongod replica set is not available here); got --nodes=${nodes}: leave --nodes unset or run mongodb on its own`;
    return undefined;
  },

  describe(settings) {
    const { writeConcern, readConcern } = settings;
    return `FerretDB single node, writeConcern w:${writeConcern}, readConcern ${readConcern}`;
  },

  provision: (provider, options) =>
    provisionOn(provider, options, (o) => new FerretCluster(o, o.settings)),
};

/**
 * The MongoDB row on an image with mongod (the official `mongo` image, on
 * the docker provider): a replica set of 3 voting members, the driver
 * following the primary, multi-document transactions for bank and
 * list-append. The engine is named by the image; the report adds its
 * digest.
 */
function mongodbReplicaSet(image: string): System<MongoSettings> {
  return onImageRow(mongodb, {
    engine: `MongoDB replica set (mongod of the image ${image})`,
    clients: {
      ...mongoClients(true),
      bank: async (cluster, node, settings) => new MongoBankClient(node, settings, cluster.nodes),
      'list-append': async (cluster, node, settings) =>
        new MongoListAppendClient(node, settings, cluster.nodes),
    },
    defaultNodes: 3,
    // Nothing to build: mongod is the image's.
    blocker: undefined,
    build: undefined,
    validate({ nodes }) {
      if (nodes < 3 || nodes % 2 === 0)
        return `mongodb: a replica set here has an odd number of voting members, at least 3 (a majority must survive a cut); got --nodes=${nodes}`;
      return undefined;
    },
    describe: ({ writeConcern, readConcern }) =>
      `replica set, writeConcern w:${writeConcern}, readConcern ${readConcern}`,
    provision: (provider, options) =>
      provisionOn(provider, options, (o) => new MongoReplicaSet(o, o.settings)),
  });
}
