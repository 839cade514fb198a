import { Redis } from 'ioredis';
import type { Logger } from 'pino';

export interface RedisConfig {
  url: string;
  keyPrefix: string;
}

/**
 * A Redis client that reconnects forever in the background and fails commands at once while it is
 * disconnected (no offline queue): the hot paths answer quickly instead of stalling, and /readyz
 * reports the outage.
 */
export function createRedisClient(config: RedisConfig, log: Logger): Redis {
  const client = new Redis(config.url, {
    keyPrefix: config.keyPrefix,
    enableOfflineQueue: false,
    enableAutoPipelining: true,
    maxRetriesPerRequest: 1,
    retryStrategy: (attempt) => Math.min(attempt * 100, 2_000),
  });
  let isDown = false;
  client.on('error', (error: Error) => {
    if (isDown) return;
    isDown = true;
    log.warn({ err: error }, 'redis connection lost, reconnecting');
  });
  client.on('ready', () => {
    if (isDown) log.info('redis connection restored');
    isDown = false;
  });
  return client;
}

/** Readiness: the connection is up and answers PING. */
export async function pingRedis(client: Redis): Promise<void> {
  if (client.status !== 'ready') throw new Error(`connection is ${client.status}`);
  await client.ping();
}
