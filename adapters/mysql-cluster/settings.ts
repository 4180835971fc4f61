import { choice, defineSettings, integer, millis } from '../../core/settings.ts';

export const ISOLATION_LEVELS = ['read-committed', 'repeatable-read', 'serializable'] as const;

/** What the Galera cluster and the async pair share (flags `--mysql-*`). */
const common = {
  isolation: choice(ISOLATION_LEVELS, {
    help: 'isolation of the bank and list-append transactions',
    default: 'repeatable-read',
    placeholder: '<level>',
  }),
  port: integer({
    help: 'the port every node listens on, each on its own address',
    default: 3306,
    min: 1024,
    max: 55535,
  }),
  clientTimeoutMs: millis({
    help: 'client connect and query timeout; a write past it is info',
    default: 5000,
    min: 100,
  }),
};

/** Settings of the Galera cluster (mysql-cluster). */
export const galeraSettings = defineSettings(
  {
    ...common,
    // Galera's own defaults are 5 s and 15 s; shorter, so a run sees the
    // component change within one fault.
    suspectTimeoutMs: millis({
      help: 'evs.suspect_timeout: when a silent peer is suspected',
      default: 2000,
      min: 500,
      flag: 'galera-suspect-timeout',
    }),
    inactiveTimeoutMs: millis({
      help: 'evs.inactive_timeout: when it is dropped from the component',
      default: 3000,
      min: 1000,
      flag: 'galera-inactive-timeout',
    }),
    syncWait: integer({
      help: "wsrep_sync_wait: 0 (Galera's own) lets a node answer reads before it applied what others committed; 1 makes reads causal",
      default: 0,
      min: 0,
      max: 15,
      flag: 'galera-sync-wait',
    }),
  },
  { prefix: 'mysql' },
);

/** Settings of the async primary → replica pair (mysql-async). */
export const asyncPairSettings = defineSettings(
  {
    ...common,
    failoverAfterMs: millis({
      help: 'how long the primary is unreachable before the replica is promoted',
      default: 3000,
      min: 500,
    }),
  },
  { prefix: 'mysql' },
);

export type GaleraSettings = ReturnType<typeof galeraSettings.parse>;
export type AsyncPairSettings = ReturnType<typeof asyncPairSettings.parse>;
/** What a MariaDB client needs, whichever the topology. */
export type MysqlSettings = Pick<GaleraSettings, keyof typeof common>;

export function sqlIsolation(level: MysqlSettings['isolation']): string {
  return level.replace('-', ' ').toUpperCase();
}
