import { bindSourceBlocker, bindSourceLibrary } from '../bind-source/index.ts';
import { provisionOn } from '../provision.ts';
import type { Client, Cluster, NodeHandle, System } from '../types.ts';
import { SUBNET as ASYNC_SUBNET, AsyncPairCluster } from './async-pair.ts';
import {
  MysqlBankClient,
  MysqlCounterClient,
  MysqlKvClient,
  MysqlListAppendClient,
  MysqlSetClient,
} from './client.ts';
import { MARIADB_PACKAGES, mariadbBlocker, mariadbVersion } from './engine.ts';
import { SUBNET as GALERA_SUBNET, GaleraCluster } from './galera.ts';
import { MariadbCluster } from './mariadb-cluster.ts';
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
  Kind: new (router: MariadbCluster, node: NodeHandle, settings: MysqlSettings) => Client,
) {
  return async (cluster: Cluster, node: NodeHandle, settings: MysqlSettings): Promise<Client> => {
    if (!(cluster instanceof MariadbCluster))
      throw new Error(`${cluster.system}: not a MariaDB cluster`);
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
