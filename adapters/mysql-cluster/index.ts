import { isLocalImage } from '../../core/provider.ts';
import { bindSourceBlocker, bindSourceLibrary } from '../bind-source/index.ts';
import { provisionOn } from '../provision.ts';
import { type Client, type Cluster, type NodeHandle, onImageRow, type System } from '../types.ts';
import { SUBNET as ASYNC_SUBNET, AsyncPairCluster } from './async-pair.ts';
import {
  MysqlBankClient,
  MysqlCounterClient,
  MysqlKvClient,
  MysqlListAppendClient,
  MysqlSetClient,
  type SqlRouter,
} from './client.ts';
import { MARIADB_PACKAGES, mariadbBlocker, mariadbVersion } from './engine.ts';
import { SUBNET as GALERA_SUBNET, GaleraCluster } from './galera.ts';
import { MariadbCluster } from './mariadb-cluster.ts';
import { NdbCluster } from './ndb.ts';
import {
  type AsyncPairSettings,
  asyncPairSettings,
  type GaleraSettings,
  galeraSettings,
  type MysqlSettings,
} from './settings.ts';

/** Every workload in SQL, on either topology: the router says where statements go. */
const clients: System<MysqlSettings>['clients'] = {
  kv: opener(MysqlKvClient),
  register: opener(MysqlKvClient),
  set: opener(MysqlSetClient),
  counter: opener(MysqlCounterClient),
  bank: opener(MysqlBankClient),
  'list-append': opener(MysqlListAppendClient),
};

function opener(
  Kind: new (router: SqlRouter, node: NodeHandle, settings: MysqlSettings) => Client,
) {
  return async (cluster: Cluster, node: NodeHandle, settings: MysqlSettings): Promise<Client> => {
    if (!(cluster instanceof MariadbCluster || cluster instanceof NdbCluster))
      throw new Error(`${cluster.system}: not a MySQL cluster`);
    return new Kind(cluster, node, settings);
  };
}

/**
 * The MySQL Cluster row. MySQL NDB Cluster has no package on this machine's
 * registries; locally the row runs MariaDB Galera, which makes the same
 * claims (synchronous replication, ACID transactions), and says so.
 */
export const mysqlCluster: System<GaleraSettings> = {
  name: 'mysql-cluster',
  get engine() {
    return `MariaDB Galera ${mariadbVersion() ?? '(not installed)'} (Debian's mariadb-server, galera-4)`;
  },
  subnet: GALERA_SUBNET,
  claims: {
    concurrencyControl: 'ACID',
    dataStorage: 'Disk',
    replication: 'Sync',
    transactions: 'Y',
    cap: 'CA',
  },
  clients,
  // cas: a conditional UPDATE; replica-read: every node holds every row.
  features: ['cas', 'replica-read'],
  image: 'mariadb',
  officialImage: 'mysql/mysql-cluster:8.4',
  onImage: (image) =>
    isLocalImage(image)
      ? mysqlCluster
      : /(^|\/)mariadb[:@]/.test(image)
        ? onImageRow(mysqlCluster, { engine: `MariaDB Galera (the image ${image})` })
        : ndbCluster(image),
  defaultNodes: 3,
  blocker: (provider) => (provider === 'local' ? mariadbBlocker(true) : undefined),
  packages: MARIADB_PACKAGES,
  settings: galeraSettings,

  validate({ nodes, settings }) {
    if (nodes < 3)
      return `mysql-cluster needs at least 3 nodes for a majority to survive (got ${nodes})`;
    const { suspectTimeoutMs, inactiveTimeoutMs } = settings;
    if (inactiveTimeoutMs < suspectTimeoutMs)
      return `mysql-cluster: the inactive timeout (${inactiveTimeoutMs} ms) must not be shorter than the suspect timeout (${suspectTimeoutMs} ms)`;
    return undefined;
  },

  describe(settings) {
    const { isolation, suspectTimeoutMs, inactiveTimeoutMs, syncWait } = settings;
    return `Galera, ${isolation}, sync_wait ${syncWait}, suspect ${suspectTimeoutMs} ms / inactive ${inactiveTimeoutMs} ms`;
  },

  provision: (provider, options) =>
    provisionOn(provider, options, (o) => new GaleraCluster(o, o.settings)),
};

/**
 * The second configuration of the MySQL row: a classic asynchronous
 * primary → replica pair with automatic failover, to show what Galera's
 * synchronous replication buys. Its claims are the table's for an RDBMS
 * with asynchronous replication.
 */
export const mysqlAsync: System<AsyncPairSettings> = {
  name: 'mysql-async',
  get engine() {
    return `MariaDB ${mariadbVersion() ?? '(not installed)'} (Debian's mariadb-server), async replication`;
  },
  subnet: ASYNC_SUBNET,
  claims: {
    concurrencyControl: 'ACID',
    dataStorage: 'Disk',
    replication: 'Async',
    transactions: 'Y',
    cap: 'CA',
  },
  clients,
  // cas: a conditional UPDATE; replica-read: every node holds every row.
  features: ['cas', 'replica-read'],
  image: 'mariadb',
  officialImage: 'mariadb:11',
  onImage: (image) =>
    isLocalImage(image)
      ? mysqlAsync
      : { ...mysqlAsync, engine: `MariaDB (the image ${image}), async replication` },
  defaultNodes: 2,
  blocker: (provider) =>
    (provider === 'local' ? mariadbBlocker(false) : undefined) ?? bindSourceBlocker(),
  packages: MARIADB_PACKAGES,
  build: () => bindSourceLibrary(),
  settings: asyncPairSettings,

  validate({ nodes }) {
    if (nodes !== 2) return `mysql-async is a primary and one replica: --nodes=2 (got ${nodes})`;
    return undefined;
  },

  describe(settings) {
    const { isolation, failoverAfterMs } = settings;
    return `async primary → replica, ${isolation}, failover after ${failoverAfterMs} ms`;
  },

  provision: (provider, options) =>
    provisionOn(provider, options, (o) => new AsyncPairCluster(o, o.settings)),
};

/**
 * The MySQL Cluster row on an image with NDB (the official
 * `mysql/mysql-cluster` image, on the docker provider): the real row of
 * Cattell's table, each node a host with a data node and an SQL node
 * (adapters/mysql-cluster/ndb.ts). NDB runs every transaction at read
 * committed, whatever --mysql-isolation asks; Galera's timeouts do not
 * apply.
 */
function ndbCluster(image: string): System<GaleraSettings> {
  return onImageRow(mysqlCluster, {
    engine: `MySQL NDB Cluster (the image ${image})`,
    blocker: undefined,
    validate({ nodes }) {
      if (nodes < 3 || nodes > 4)
        return `mysql-cluster on NDB runs 3 or 4 hosts here (every data node in one node group, NDB's 4 replicas at most); got --nodes=${nodes}`;
      return undefined;
    },
    describe: () => 'NDB, one node group (a replica on every host), read committed',
    provision: (provider, options) =>
      provisionOn(provider, options, (o) => new NdbCluster(o, o.settings.port)),
  });
}
