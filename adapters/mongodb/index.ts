import { provisionOn } from '../provision.ts';
import type { System } from '../types.ts';
import { MongoKvClient, mongoCounterClient, mongoSetClient } from './client.ts';
import { FerretCluster, SUBNET } from './cluster.ts';
import { buildFerretdb, FERRETDB_VERSION, mongodbBlocker } from './engine.ts';
import { type MongoSettings, mongoSettings } from './settings.ts';

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
  clients: {
    kv: async (_cluster, node, settings) => new MongoKvClient(node, settings),
    register: async (_cluster, node, settings) => new MongoKvClient(node, settings),
    set: async (_cluster, node, settings) => mongoSetClient(node, settings),
    counter: async (_cluster, node, settings) => mongoCounterClient(node, settings),
  },
  // cas: findOneAndUpdate on the expected value.
  features: ['cas'],
  image: 'ferretdb',
  defaultNodes: 1,
  blocker: mongodbBlocker,
  build: buildFerretdb,
  settings: mongoSettings,

  validate({ nodes }) {
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
