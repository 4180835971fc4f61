import { defineSettings, integer, millis } from '../../core/settings.ts';

/** Settings of the CouchDB row (flags `--couchdb-*`). */
export const couchSettings = defineSettings(
  {
    port: integer({
      help: 'the port every node listens on, each on its own address',
      default: 5984,
      min: 1024,
      max: 55535,
    }),
    shards: integer({
      help: 'Apache CouchDB (the official image) only: q, the shards of each database',
      default: 2,
      min: 1,
      max: 16,
    }),
    copies: integer({
      help: 'Apache CouchDB (the official image) only: n, the copies of each shard (at most one per node)',
      default: 3,
      min: 1,
      max: 9,
    }),
    clientTimeoutMs: millis({
      help: "the client's timeout for one request; a write past it is info",
      default: 2000,
      min: 100,
    }),
  },
  { prefix: 'couchdb' },
);

export type CouchSettings = ReturnType<typeof couchSettings.parse>;
