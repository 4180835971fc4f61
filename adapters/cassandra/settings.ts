import { choice, defineSettings, integer, millis } from '../../core/settings.ts';

export const CONSISTENCY_LEVELS = ['one', 'quorum', 'all'] as const;

/** Settings of the Cassandra row (flags `--cassandra-*`). */
export const cassandraSettings = defineSettings(
  {
    consistency: choice(CONSISTENCY_LEVELS, {
      help: 'consistency of every read and write (LWT conditions are at SERIAL)',
      default: 'quorum',
      placeholder: '<level>',
      variants: true,
    }),
    replicationFactor: integer({
      help: 'replicas of every row',
      default: 3,
      min: 1,
      max: 9,
    }),
    clientTimeoutMs: millis({
      help: "the driver's per-request timeout; a write past it is info",
      default: 5000,
      min: 100,
    }),
    heapMb: integer({
      help: "heap of each node's JVM",
      default: 512,
      min: 256,
      max: 65_536,
      unit: 'MB',
      placeholder: '<mb>',
    }),
  },
  { prefix: 'cassandra' },
);

export type CassandraSettings = ReturnType<typeof cassandraSettings.parse>;
