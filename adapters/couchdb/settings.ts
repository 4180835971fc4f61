import { z } from 'zod';

/** Settings of the CouchDB row. */
export const CouchSettings = z.object({
  port: z.number().int().min(1024).max(55535).default(5984),
  /** The client's timeout for one request; a write that times out is `info`. */
  clientTimeoutMs: z.number().int().min(100).default(2000),
});

export type CouchSettings = z.infer<typeof CouchSettings>;

export function parseCouchSettings(settings: Record<string, unknown>): CouchSettings {
  return CouchSettings.parse(settings);
}
