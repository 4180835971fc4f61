import { dynamo } from './dynamo/index.ts';
import { redisCluster } from './redis-cluster/index.ts';
import type { System } from './types.ts';

/** Every system faultline can run, by name. Later issues add the other five. */
export const SYSTEMS: Record<string, System> = { dynamo, 'redis-cluster': redisCluster };

export const SYSTEM_NAMES = Object.keys(SYSTEMS);
