import { z } from 'zod';

/** Settings of the MongoDB row. */
export const MongoSettings = z.object({
  port: z.number().int().min(1024).max(55535).default(27017),
  /** Acknowledgement asked of every write: the primary alone, or a majority of the replica set. */
  writeConcern: z.enum(['1', 'majority']).default('majority'),
  /** What a read may return: `local` (maybe rolled back later), `majority`, `linearizable`. */
  readConcern: z.enum(['local', 'majority', 'linearizable']).default('majority'),
  /** The driver's bound on one operation (server selection, socket); a write past it is `info`. */
  clientTimeoutMs: z.number().int().min(100).default(2000),
});

export type MongoSettings = z.infer<typeof MongoSettings>;

export function parseMongoSettings(settings: Record<string, unknown>): MongoSettings {
  return MongoSettings.parse(settings);
}
