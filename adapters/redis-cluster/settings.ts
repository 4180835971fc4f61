import { choice, defineSettings, integer, millis } from '../../core/settings.ts';

/** Settings of the Redis Cluster row (flags `--redis-*`). */
export const redisSettings = defineSettings(
  {
    nodeTimeoutMs: millis({
      help: 'cluster-node-timeout: how long a silent node takes to be flagged failed',
      default: 2000,
      min: 100,
    }),
    appendfsync: choice(['always', 'everysec', 'no'], {
      help: 'AOF fsync policy',
      default: 'everysec',
      placeholder: '<policy>',
    }),
    replicas: integer({
      help: 'replicas per master (the cluster has nodes / (1 + replicas) masters)',
      default: 1,
      min: 0,
      max: 3,
    }),
    port: integer({
      help: 'the port of every node (each on its own address); the cluster bus is this + 10000',
      default: 6379,
      min: 1024,
      max: 55535,
    }),
    clientTimeoutMs: millis({
      help: 'client connect and command timeout; a write past it is info',
      default: 1000,
      min: 100,
    }),
  },
  { prefix: 'redis' },
);

export type RedisSettings = ReturnType<typeof redisSettings.parse>;
