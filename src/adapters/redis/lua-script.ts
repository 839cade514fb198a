import { createHash } from 'node:crypto';
import type { RedisClient } from './client';
import { redisCall } from './redis-errors';

/**
 * A Lua script run by its SHA (EVALSHA), loaded on first use and again after a Redis restart,
 * SCRIPT FLUSH or a failover to a replica that never ran it (NOSCRIPT). Keys go through the
 * client's key prefix like any command's keys; in a cluster they must share one slot. An outage
 * fails with RedisUnavailableError.
 */
export class LuaScript {
  private readonly sha: string;

  constructor(readonly source: string) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  run(
    redis: RedisClient,
    keys: readonly string[],
    args: ReadonlyArray<string | number>,
  ): Promise<unknown> {
    return redisCall(async () => {
      try {
        return await redis.evalsha(this.sha, keys.length, ...keys, ...args);
      } catch (error) {
        if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
        return await redis.eval(this.source, keys.length, ...keys, ...args);
      }
    });
  }
}
