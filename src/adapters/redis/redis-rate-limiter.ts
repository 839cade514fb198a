import type { Logger } from 'pino';
import {
  emissionIntervalMs,
  type RateDecision,
  type RateLimit,
} from '../../domain/access/rate-limit';
import { DependencyUnavailableError } from '../../domain/errors';
import type { RateLimiter } from '../../ports/rate-limiter';
import type { RedisClient } from './client';
import { LuaScript } from './lua-script';

/**
 * `gcraDecide` (domain/access/rate-limit.ts) in one atomic step on the server's clock, so every
 * replica shares one budget per caller. KEYS[1]: the caller's TAT; ARGV: emission interval and
 * burst. Returns {1} when allowed, {0, excess ms} when refused (TAT unchanged). The key expires
 * when its bucket is full again.
 */
const GCRA = new LuaScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local interval = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
if tat < now then tat = now end
local next_tat = tat + interval
local excess = next_tat - now - burst * interval
if excess > 0 then return {0, string.format('%.3f', excess)} end
redis.call('SET', KEYS[1], string.format('%.3f', next_tat), 'PX', math.ceil(next_tat - now))
return {1, '0'}
`);

/**
 * Rate limits shared by every process on one Redis (or Redis Cluster: one key per caller, its own
 * hash tag). While Redis is down each process decides alone with `fallback` (same math, in
 * memory): limits stay on, each replica allowing the full budget, rather than failing open or
 * refusing every call for an outage the caller did not cause.
 */
export class RedisRateLimiter implements RateLimiter {
  private isFallingBack = false;

  constructor(
    private readonly redis: RedisClient,
    private readonly fallback: RateLimiter,
    private readonly log: Logger,
  ) {}

  async take(key: string, limit: RateLimit): Promise<RateDecision> {
    try {
      const [allowed, excess] = (await GCRA.run(
        this.redis,
        [`ratelimit:{${key}}`],
        [emissionIntervalMs(limit), limit.burst],
      )) as [number, string];
      this.recovered();
      return allowed === 1
        ? { isAllowed: true }
        : { isAllowed: false, retryAfterMs: Number(excess) };
    } catch (error) {
      if (!(error instanceof DependencyUnavailableError)) throw error;
      if (!this.isFallingBack) {
        this.isFallingBack = true;
        this.log.warn({ err: error }, 'rate limits counted per process while redis is down');
      }
      return this.fallback.take(key, limit);
    }
  }

  private recovered(): void {
    if (!this.isFallingBack) return;
    this.isFallingBack = false;
    this.log.info('rate limits shared through redis again');
  }
}
