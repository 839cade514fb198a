import type { ExpiredProcess, ProcessLeases, SupervisorAttempt } from '../../ports/process-leases';
import type { RedisClient } from './client';
import { LuaScript } from './lua-script';

// Every key shares the {processes} hash tag, so each script's keys live in one Redis Cluster slot.
const LEASES_KEY = '{processes}:leases';
const attemptsKey = (processId: string) => `{processes}:attempts:${processId}`;
const claimKey = (processId: string) => `{processes}:claim:${processId}`;

/** Redis's clock in milliseconds, so every process judges expiry by the same clock. */
const NOW = `
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
`;

/** KEYS: leases. ARGV: process id, ttl ms. Returns 1 when the lease was still held, else 0. */
const RENEW = new LuaScript(`${NOW}
local previous = redis.call('ZSCORE', KEYS[1], ARGV[1])
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
if previous and tonumber(previous) >= now then return 1 end
return 0
`);

/** KEYS: leases, the process's attempts. ARGV: process id, key, token. Errors when not leased. */
const HOLD = new LuaScript(`${NOW}
local expiry = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not expiry or tonumber(expiry) < now then return redis.error_reply('LEASE_LAPSED') end
redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
return 1
`);

/** KEYS: leases. ARGV: limit. The processes whose lease expired, oldest first. */
const EXPIRED = new LuaScript(`${NOW}
return redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. now, 'LIMIT', 0, tonumber(ARGV[1]))
`);

/** KEYS: leases, attempts, claim. ARGV: process id. Removes it only if its lease is still expired. */
const FORGET = new LuaScript(`${NOW}
local expiry = redis.call('ZSCORE', KEYS[1], ARGV[1])
if expiry and tonumber(expiry) >= now then return 0 end
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('DEL', KEYS[2], KEYS[3])
return 1
`);

/** Process leases in Redis: a sorted set of lease expiries and a hash of attempts per process. */
export class RedisProcessLeases implements ProcessLeases {
  constructor(private readonly redis: RedisClient) {}

  async renew(processId: string, ttlMs: number): Promise<boolean> {
    return (await RENEW.run(this.redis, [LEASES_KEY], [processId, ttlMs])) === 1;
  }

  async hold(processId: string, attempt: SupervisorAttempt): Promise<void> {
    await HOLD.run(
      this.redis,
      [LEASES_KEY, attemptsKey(processId)],
      [processId, attempt.key, attempt.taskToken],
    );
  }

  async drop(processId: string, key: string): Promise<void> {
    await this.redis.hdel(attemptsKey(processId), key);
  }

  async release(processId: string): Promise<void> {
    await this.redis
      .multi()
      .zrem(LEASES_KEY, processId)
      .del(attemptsKey(processId), claimKey(processId))
      .exec();
  }

  async claimExpired(claimant: string, claimTtlMs: number, limit: number) {
    const expired = (await EXPIRED.run(this.redis, [LEASES_KEY], [limit])) as string[];
    const claimed: ExpiredProcess[] = [];
    for (const processId of expired) {
      const isOurs = await this.redis.set(claimKey(processId), claimant, 'PX', claimTtlMs, 'NX');
      if (isOurs !== 'OK') continue;
      const attempts = await this.redis.hgetall(attemptsKey(processId));
      claimed.push({
        processId,
        attempts: Object.entries(attempts).map(([key, taskToken]) => ({ key, taskToken })),
      });
    }
    return claimed;
  }

  async forget(processId: string): Promise<void> {
    await FORGET.run(
      this.redis,
      [LEASES_KEY, attemptsKey(processId), claimKey(processId)],
      [processId],
    );
  }
}
