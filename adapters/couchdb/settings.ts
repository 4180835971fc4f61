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
    clientTimeoutMs: millis({
      help: "the client's timeout for one request; a write past it is info",
      default: 2000,
      min: 100,
    }),
  },
  { prefix: 'couchdb' },
);

export type CouchSettings = ReturnType<typeof couchSettings.parse>;
