import { execFileSync } from 'node:child_process';
import { findOnPath } from '../../core/tools.ts';

/** Debian's Redis: the server, and redis-cli to form the cluster. */
export const REDIS_PACKAGES = ['redis-server', 'redis-tools'];

export function redisServer(): string | undefined {
  return findOnPath('redis-server', ['/usr/bin', '/usr/local/bin']);
}

export function redisCli(): string | undefined {
  return findOnPath('redis-cli', ['/usr/bin', '/usr/local/bin']);
}

/** Why the Redis Cluster row cannot run here, or undefined. */
export function redisBlocker(): string | undefined {
  if (!redisServer() || !redisCli())
    return `needs redis-server and redis-cli (npm run setup redis-cluster, or apt-get install ${REDIS_PACKAGES.join(' ')})`;
  const version = redisVersion();
  if (version && Number(version.split('.')[0]) < 7)
    return `needs Redis 7 or later (--bind-source-addr); found ${version}`;
  return undefined;
}

export function redisVersion(): string | undefined {
  const server = redisServer();
  if (!server) return undefined;
  try {
    return /v=(\S+)/.exec(execFileSync(server, ['--version'], { encoding: 'utf8' }))?.[1];
  } catch {
    return undefined;
  }
}
