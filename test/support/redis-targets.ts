/** Connecting tests to the run's Redis (standalone) or to a cluster or sentinels they started. */
import { Cluster, Redis } from 'ioredis';
import pino from 'pino';
import { createRedisClient, type RedisClient } from '../../src/adapters/redis/client';
import type { RedisConnection } from '../../src/config/redis';
import { sharedInfra } from './infra';

/** The run's standalone Redis (global-setup). */
export const standaloneRedis = (): RedisConnection => ({ url: sharedInfra().redisUrl });

/** A production client (fail-fast options) under `keyPrefix`, once it is ready. */
export async function connectRedis(
  connection: RedisConnection,
  keyPrefix: string,
): Promise<RedisClient> {
  const redis = createRedisClient({ ...connection, keyPrefix }, pino({ level: 'silent' }));
  await new Promise((resolve) => redis.once('ready', resolve));
  return redis;
}

/** KEYS on every master (a cluster spreads keys over its masters; KEYS sees one node). */
export async function keysMatching(redis: RedisClient, pattern: string): Promise<string[]> {
  const nodes = redis instanceof Cluster ? redis.nodes('master') : [redis];
  return (await Promise.all(nodes.map((node) => node.keys(pattern)))).flat();
}

/** The run's standalone Redis as a plain `Redis` (for what only one server has: CLIENT KILL…). */
export async function connectStandalone(keyPrefix: string): Promise<Redis> {
  const redis = await connectRedis(standaloneRedis(), keyPrefix);
  if (!(redis instanceof Redis)) throw new Error('the run’s Redis is standalone');
  return redis;
}
