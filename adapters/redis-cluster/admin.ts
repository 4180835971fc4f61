import { Redis } from 'ioredis';

/**
 * One command to one node, from the harness (127.0.0.1): for readiness,
 * cluster state and who the masters are. Fails fast instead of retrying.
 */
export async function nodeCommand(
  host: string,
  port: number,
  command: string[],
  timeoutMs = 1000,
): Promise<string> {
  const redis = new Redis({
    host,
    port,
    lazyConnect: true,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  redis.on('error', () => {});
  try {
    await redis.connect();
    const [name, ...args] = command;
    return String(await redis.call(name!, ...args));
  } finally {
    redis.disconnect();
  }
}

/** `field:value` lines of INFO or CLUSTER INFO, as a map. */
export function infoFields(text: string): Map<string, string> {
  return new Map(
    text
      .split(/\r?\n/)
      .filter((line) => line.includes(':'))
      .map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1).trim()]),
  );
}
