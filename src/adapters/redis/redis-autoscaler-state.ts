/**
 * The autoscaler's memory of each scheduler in Redis, under the scheduler's hash tag (one slot
 * with its rooms in a cluster): a hash (`lastActiveAt` epoch ms, the webhook's latest decision,
 * `webhookEventAt` while a change of source or problem is not in an operation's history yet), a
 * capped list of past decisions, and a sorted set of waiting allocations scored by deadline.
 */
import { WEBHOOK_HISTORY_LENGTH, type PastDecision } from '../../domain/autoscaling/webhook';
import type {
  AutoscalerSnapshot,
  AutoscalerState,
  StoredWebhookDecision,
} from '../../ports/autoscaler-state';
import type { RedisClient } from './client';
import { LuaScript } from './lua-script';
import { redisCall } from './redis-errors';

function autoscalerKeys(scheduler: string) {
  const base = `scheduler:{${scheduler}}:autoscaler`;
  return { state: base, history: `${base}:history`, waiters: `${base}:waiters` };
}

/** HSET lastActiveAt only forward: two processes racing never move it back. */
const MARK_ACTIVE = new LuaScript(`
local current = tonumber(redis.call('HGET', KEYS[1], 'lastActiveAt') or '0')
if tonumber(ARGV[1]) > current then redis.call('HSET', KEYS[1], 'lastActiveAt', ARGV[1]) end
return 0`);

/** HDEL webhookEventAt only when it is still the event that was recorded. */
const CLEAR_EVENT = new LuaScript(`
if redis.call('HGET', KEYS[1], 'webhookEventAt') == ARGV[1] then
  redis.call('HDEL', KEYS[1], 'webhookEventAt')
end
return 0`);

export class RedisAutoscalerState implements AutoscalerState {
  constructor(private readonly redis: RedisClient) {}

  async snapshot(scheduler: string, now: Date): Promise<AutoscalerSnapshot> {
    const keys = autoscalerKeys(scheduler);
    const [state, waiters] = await redisCall(() =>
      Promise.all([
        this.redis.hgetall(keys.state),
        this.redis.zcount(keys.waiters, `(${now.getTime()}`, '+inf'),
      ]),
    );
    const lastActiveMs = Number(state.lastActiveAt ?? 0);
    const webhook = parseDecision(state.webhook);
    return {
      waiters,
      ...(lastActiveMs > 0 && { lastActiveAt: new Date(lastActiveMs).toISOString() }),
      ...(webhook && { webhook }),
      ...(state.webhookEventAt && { webhookEventAt: state.webhookEventAt }),
    };
  }

  async markActive(scheduler: string, at: Date): Promise<void> {
    await MARK_ACTIVE.run(this.redis, [autoscalerKeys(scheduler).state], [at.getTime()]);
  }

  async recordWebhookDecision(
    scheduler: string,
    decision: StoredWebhookDecision,
    options?: { isEvent: boolean },
  ): Promise<void> {
    const keys = autoscalerKeys(scheduler);
    const fields: Record<string, string> = { webhook: JSON.stringify(decision) };
    if (options?.isEvent) fields.webhookEventAt = decision.at;
    const past: PastDecision = {
      at: decision.at,
      desired: decision.desired,
      source: decision.source,
    };
    await redisCall(() =>
      this.redis
        .multi()
        .hset(keys.state, fields)
        .rpush(keys.history, JSON.stringify(past))
        .ltrim(keys.history, -WEBHOOK_HISTORY_LENGTH, -1)
        .exec(),
    );
  }

  async clearWebhookEvent(scheduler: string, at: string): Promise<void> {
    await CLEAR_EVENT.run(this.redis, [autoscalerKeys(scheduler).state], [at]);
  }

  async webhookHistory(scheduler: string): Promise<PastDecision[]> {
    const lines = await redisCall(() =>
      this.redis.lrange(autoscalerKeys(scheduler).history, 0, -1),
    );
    return lines.flatMap((line) => {
      const decision = parseJson(line) as PastDecision | undefined;
      return decision && typeof decision.desired === 'number' ? [decision] : [];
    });
  }

  async addWaiter(scheduler: string, waiterId: string, until: Date): Promise<void> {
    const keys = autoscalerKeys(scheduler);
    const now = Date.now();
    await redisCall(() =>
      this.redis
        .multi()
        .zremrangebyscore(keys.waiters, '-inf', now)
        .zadd(keys.waiters, until.getTime(), waiterId)
        .exec(),
    );
    await this.markActive(scheduler, new Date(now));
  }

  async removeWaiter(scheduler: string, waiterId: string): Promise<void> {
    await redisCall(() => this.redis.zrem(autoscalerKeys(scheduler).waiters, waiterId));
  }

  async forget(scheduler: string): Promise<void> {
    const keys = autoscalerKeys(scheduler);
    await redisCall(() => this.redis.del(keys.state, keys.history, keys.waiters));
  }
}

function parseDecision(text: string | undefined): StoredWebhookDecision | undefined {
  const decision = parseJson(text) as StoredWebhookDecision | undefined;
  return decision && typeof decision.desired === 'number' ? decision : undefined;
}

function parseJson(text: string | undefined): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
