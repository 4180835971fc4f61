import { z } from 'zod';

export const CONSISTENCY_LEVELS = ['one', 'quorum', 'all'] as const;

/** Settings of the Cassandra row. */
export const CassandraSettings = z.object({
  /** Consistency of every read and write (LWT conditions are at SERIAL). */
  consistency: z.enum(CONSISTENCY_LEVELS).default('quorum'),
  replicationFactor: z.number().int().min(1).max(9).default(3),
  /** The driver's per-request timeout; a write that times out is `info`. */
  clientTimeoutMs: z.number().int().min(100).default(5000),
  /** Heap of each node's JVM. */
  heapMb: z.number().int().min(256).default(512),
});

export type CassandraSettings = z.infer<typeof CassandraSettings>;

export function parseCassandraSettings(settings: Record<string, unknown>): CassandraSettings {
  return CassandraSettings.parse(settings);
}
