export const KEYSPACE = 'faultline';

/**
 * Tables per kind of data: registers and YCSB records (JSON text, LWT for
 * compare-and-set), sets (a row per element), counters (a counter column).
 */
export function schema(replicationFactor: number): string[] {
  return [
    `CREATE KEYSPACE IF NOT EXISTS ${KEYSPACE} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': ${replicationFactor}}`,
    `CREATE TABLE IF NOT EXISTS ${KEYSPACE}.kv (k text PRIMARY KEY, v text)`,
    `CREATE TABLE IF NOT EXISTS ${KEYSPACE}.sets (k text, e bigint, PRIMARY KEY (k, e))`,
    `CREATE TABLE IF NOT EXISTS ${KEYSPACE}.counters (k text PRIMARY KEY, n counter)`,
  ];
}
