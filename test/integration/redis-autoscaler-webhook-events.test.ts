/**
 * The webhook's decisions in RedisAutoscalerState on a real Redis: the latest decision and the
 * history, and an event (a change of source or problem) kept until an operation records it —
 * clearing an older event never clears a newer one.
 */
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { createRedisClient, type RedisClient } from '../../src/adapters/redis/client';
import { RedisAutoscalerState } from '../../src/adapters/redis/redis-autoscaler-state';
import type { StoredWebhookDecision } from '../../src/ports/autoscaler-state';
import { sharedInfra } from '../support/infra';

describe('RedisAutoscalerState webhook decisions', () => {
  let redis: RedisClient;
  let state: RedisAutoscalerState;
  const scheduler = `events-${randomUUID().slice(0, 8)}`;
  const now = new Date('2026-01-01T00:00:10.000Z');

  const decision = (second: number, source: StoredWebhookDecision['source']) => ({
    at: new Date(Date.UTC(2026, 0, 1, 0, 0, second)).toISOString(),
    desired: 2,
    source,
    canDownscale: source === 'webhook',
    note: source,
    ...(source !== 'webhook' && { problem: 'HTTP 503' }),
  });

  beforeAll(async () => {
    redis = createRedisClient(
      { url: sharedInfra().redisUrl, keyPrefix: `it-autoscaler-${scheduler}:` },
      pino({ level: 'silent' }),
    );
    await new Promise((resolve) => redis.once('ready', resolve));
    state = new RedisAutoscalerState(redis);
  });
  afterAll(async () => {
    await state.forget(scheduler);
    await redis.quit();
  });

  it('keeps an event until it is recorded, and a newer event past an older clear', async () => {
    const first = decision(1, 'webhook');
    const failing = decision(2, 'fallback:keep');
    const again = decision(3, 'fallback:keep');

    await state.recordWebhookDecision(scheduler, first, { isEvent: true });
    await state.recordWebhookDecision(scheduler, failing, { isEvent: true });
    await state.recordWebhookDecision(scheduler, again, { isEvent: false });
    const pending = await state.snapshot(scheduler, now);
    await state.clearWebhookEvent(scheduler, first.at); // an older event: nothing cleared
    const afterOlderClear = await state.snapshot(scheduler, now);
    await state.clearWebhookEvent(scheduler, failing.at);
    const afterClear = await state.snapshot(scheduler, now);

    expect(pending).toMatchObject({ webhook: again, webhookEventAt: failing.at });
    expect(afterOlderClear.webhookEventAt).toBe(failing.at);
    expect(afterClear.webhookEventAt).toBeUndefined();
    expect(afterClear.webhook).toEqual(again);
    expect(await state.webhookHistory(scheduler)).toEqual(
      [first, failing, again].map(({ at, desired, source }) => ({ at, desired, source })),
    );
  });
});
