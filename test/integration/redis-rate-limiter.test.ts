/**
 * RedisRateLimiter on the run's real Redis: one budget per caller shared by every process, and
 * per-process limits (not none, not refusals) while Redis is down.
 */
import { Writable } from 'node:stream';
import pino from 'pino';
import { freePort } from '../../scripts/local-infra/paths';
import { createRedisClient, type RedisClient } from '../../src/adapters/redis/client';
import { InProcessRateLimiter } from '../../src/adapters/rate-limit/in-process-rate-limiter';
import { RedisRateLimiter } from '../../src/adapters/redis/redis-rate-limiter';
import { uniqueSuffix } from '../support/infra';
import { connectRedis, standaloneRedis } from '../support/redis-targets';

const silent = pino({ level: 'silent' });
const LIMIT = { perMinute: 6, burst: 2 };

describe('RedisRateLimiter', () => {
  const prefix = `it-rate-${uniqueSuffix()}:`;
  const clients: RedisClient[] = [];

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.quit().catch(() => client.disconnect())));
  });

  it('shares one budget per caller between processes, and lets the key expire', async () => {
    const [first, second] = [
      await connectRedis(standaloneRedis(), prefix),
      await connectRedis(standaloneRedis(), prefix),
    ];
    clients.push(first, second);
    const replicaA = new RedisRateLimiter(first, new InProcessRateLimiter(), silent);
    const replicaB = new RedisRateLimiter(second, new InProcessRateLimiter(), silent);

    expect(await replicaA.take('mutations:peer:10.0.0.1', LIMIT)).toEqual({ isAllowed: true });
    expect(await replicaB.take('mutations:peer:10.0.0.1', LIMIT)).toEqual({ isAllowed: true });
    const refused = await replicaA.take('mutations:peer:10.0.0.1', LIMIT);
    expect(refused.isAllowed).toBe(false);
    expect(refused.isAllowed === false && refused.retryAfterMs).toBeGreaterThan(9_000);
    expect(refused.isAllowed === false && refused.retryAfterMs).toBeLessThanOrEqual(10_000);
    expect(await replicaB.take('mutations:peer:10.0.0.2', LIMIT)).toEqual({ isAllowed: true });

    // The state lives only until the bucket is full again (two intervals: 20 s).
    const ttl = await first.pttl('ratelimit:{mutations:peer:10.0.0.1}');
    expect(ttl).toBeGreaterThan(15_000);
    expect(ttl).toBeLessThanOrEqual(20_000);
  });

  it('limits each process on its own while Redis is down, and says so once', async () => {
    const lines: string[] = [];
    const log = pino(
      { level: 'warn' },
      new Writable({ write: (chunk: Buffer, _e, done) => (lines.push(chunk.toString()), done()) }),
    );
    const down = createRedisClient(
      { url: `redis://127.0.0.1:${await freePort()}`, keyPrefix: prefix },
      silent,
    );
    clients.push(down);
    const limiter = new RedisRateLimiter(down, new InProcessRateLimiter(), log);

    const decisions = [];
    for (let call = 0; call < 3; call += 1)
      decisions.push((await limiter.take('allocations:k', LIMIT)).isAllowed);

    expect(decisions).toEqual([true, true, false]);
    expect(lines.map((line) => (JSON.parse(line) as { msg: string }).msg)).toEqual([
      'rate limits counted per process while redis is down',
    ]);
  });
});
