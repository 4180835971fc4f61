import { z } from 'zod';

/** Settings of the built-in store, as `--n/--r/--w/...` on the command line. */
export const DynamoSettings = z.object({
  n: z.number().int().min(1).default(3),
  r: z.number().int().min(1).default(2),
  w: z.number().int().min(1).default(2),
  tokens: z.number().int().min(1).max(1024).default(32),
  fsync: z.enum(['always', 'interval', 'never']).default('always'),
  replicaTimeoutMs: z.number().int().min(10).default(1000),
  clientTimeoutMs: z.number().int().min(10).default(2000),
  port: z.number().int().min(1024).max(65535).default(7000),
});

export type DynamoSettings = z.infer<typeof DynamoSettings>;

export function parseDynamoSettings(settings: Record<string, unknown>): DynamoSettings {
  return DynamoSettings.parse(settings);
}
