import { z } from 'zod';

export const ISOLATION_LEVELS = ['read-committed', 'repeatable-read', 'serializable'] as const;

/** Settings shared by the Galera cluster and the async pair. */
export const MysqlSettings = z.object({
  /** Isolation of the `bank` and `list-append` transactions. */
  isolation: z.enum(ISOLATION_LEVELS).default('repeatable-read'),
  port: z.number().int().min(1024).max(55535).default(3306),
  /** Connect and query timeout of the client; a write that times out is `info`. */
  clientTimeoutMs: z.number().int().min(100).default(5000),
  /**
   * Galera's failure detection: a silent peer is suspected after `suspect`,
   * dropped from the component after `inactive` (evs.suspect_timeout and
   * evs.inactive_timeout; Galera's defaults are 5 s and 15 s).
   */
  suspectTimeoutMs: z.number().int().min(500).default(2000),
  inactiveTimeoutMs: z.number().int().min(1000).default(3000),
  /**
   * Galera's wsrep_sync_wait: 0 (its default) lets a node answer reads
   * before it has applied what others committed; 1 makes reads wait for
   * that (causal reads).
   */
  syncWait: z.number().int().min(0).max(15).default(0),
  /** Async pair: how long the primary must be unreachable before the replica is promoted. */
  failoverAfterMs: z.number().int().min(500).default(3000),
});

export type MysqlSettings = z.infer<typeof MysqlSettings>;

export function parseMysqlSettings(settings: Record<string, unknown>): MysqlSettings {
  return MysqlSettings.parse(settings);
}

export function sqlIsolation(level: MysqlSettings['isolation']): string {
  return level.replace('-', ' ').toUpperCase();
}
