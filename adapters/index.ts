import { cassandraSystem } from './cassandra/index.ts';
import { couchdb } from './couchdb/index.ts';
import { dynamo } from './dynamo/index.ts';
import { mongodb } from './mongodb/index.ts';
import { mysqlAsync, mysqlCluster } from './mysql-cluster/index.ts';
import { redisCluster } from './redis-cluster/index.ts';
import type { System } from './types.ts';

/** Every system faultline can run, by name.  */
export const SYSTEMS: Record<string, System> = {
  dynamo,
  'redis-cluster': redisCluster,
  'mysql-cluster': mysqlCluster,
  'mysql-async': mysqlAsync,
  couchdb,
  cassandra: cassandraSystem,
  mongodb,
};

export const SYSTEM_NAMES = Object.keys(SYSTEMS);
