/**
 * The loopback addressing plan (ARCHITECTURE.md): node n of system s listens
 * on 127.0.<10+s>.<n>; the workers pinned to it connect from
 * 127.0.<10+s>.<100+n>, so a partition by address cuts a node together with
 * its clients. Every 127.0.0.0/8 address binds on `lo` with no setup.
 */
export const SYSTEM_INDEX = {
  dynamo: 1,
  'redis-cluster': 2,
  mongodb: 3,
  cassandra: 4,
  couchdb: 5,
  'mysql-cluster': 6,
  // The async MariaDB pair beside Galera (a second configuration of the MySQL row).
  'mysql-async': 7,
} as const;

export type SystemName = keyof typeof SYSTEM_INDEX;

export function nodeAddress(system: SystemName, n: number): string {
  checkNode(n);
  return `127.0.${10 + SYSTEM_INDEX[system]}.${n}`;
}

export function clientAddress(system: SystemName, n: number): string {
  checkNode(n);
  return `127.0.${10 + SYSTEM_INDEX[system]}.${100 + n}`;
}

function checkNode(n: number): void {
  if (!Number.isInteger(n) || n < 1 || n > 99) throw new Error(`node number ${n} is outside 1..99`);
}
