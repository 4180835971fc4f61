import { z } from 'zod';

/** Settings of the Redis Cluster row. */
export const RedisSettings = z.object({
  /** cluster-node-timeout: how long a silent node takes to be flagged failed. */
  nodeTimeoutMs: z.number().int().min(100).default(2000),
  /** AOF fsync policy. */
  appendfsync: z.enum(['always', 'everysec', 'no']).default('everysec'),
  /** Replicas per master (the cluster has nodes / (1 + replicas) masters). */
  replicas: z.number().int().min(0).max(3).default(1),
  port: z.number().int().min(1024).max(55535).default(6379),
  /** Client connect and command timeout. */
  clientTimeoutMs: z.number().int().min(100).default(1000),
});

export type RedisSettings = z.infer<typeof RedisSettings>;

export function parseRedisSettings(settings: Record<string, unknown>): RedisSettings {
  return RedisSettings.parse(settings);
}
