import pino from 'pino';
import { createRedisClient, type RedisClient } from '../../src/adapters/redis/client';
import { RedisProcessLeases } from '../../src/adapters/redis/redis-process-leases';
import { ProcessLiveness } from '../../src/app/process-liveness';
import { sharedInfra, uniqueSuffix } from '../support/infra';

const log = pino({ level: 'silent' });
const attempt = (key: string) => ({
  key,
  taskToken: Buffer.from(`token-${key}`).toString('base64'),
});
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/**
 * A lease short enough to lapse within a test, yet long enough that attempts are still held under
 * it on a loaded machine (at 100–200 ms, a slow Redis round trip let it lapse before the `hold`
 * that follows the `renew`, and the test failed with LEASE_LAPSED). `LAPSED_MS` outlasts it.
 */
const SHORT_LEASE_MS = 1_000;
const LAPSED_MS = SHORT_LEASE_MS + 500;

describe('RedisProcessLeases', () => {
  let redis: RedisClient;
  let leases: RedisProcessLeases;

  beforeEach(async () => {
    redis = createRedisClient(
      { url: sharedInfra().redisUrl, keyPrefix: `it-leases-${uniqueSuffix()}:` },
      log,
    );
    await new Promise((resolve) => redis.once('ready', resolve));
    leases = new RedisProcessLeases(redis);
  });

  afterEach(async () => {
    await redis.quit();
  });

  it('hands a dead process and its attempts to exactly one peer when its lease expires', async () => {
    expect(await leases.renew('dead', SHORT_LEASE_MS)).toBe(false); // a new lease was not held before
    await leases.hold('dead', attempt('a'));
    await leases.hold('dead', attempt('b'));
    await leases.renew('alive', 60_000);
    expect(await leases.claimExpired('peer-1', 5_000, 10)).toEqual([]);

    await wait(LAPSED_MS);
    const [first, second] = await Promise.all([
      leases.claimExpired('peer-1', 5_000, 10),
      leases.claimExpired('peer-2', 5_000, 10),
    ]);

    const claims = [...first, ...second];
    expect(claims).toHaveLength(1);
    expect(claims[0]!.processId).toBe('dead');
    expect(claims[0]!.attempts.map((a) => a.key).sort()).toEqual(['a', 'b']);
    expect(claims[0]!.attempts.find((a) => a.key === 'a')?.taskToken).toBe(attempt('a').taskToken);
  });

  it('forgets an expired process once, and keeps one that renewed meanwhile', async () => {
    await leases.renew('slow', SHORT_LEASE_MS);
    await leases.hold('slow', attempt('a'));
    await leases.renew('dead', SHORT_LEASE_MS);
    await wait(LAPSED_MS);
    await leases.claimExpired('peer', 5_000, 10);

    expect(await leases.renew('slow', 60_000)).toBe(false); // it finds out its lease had lapsed
    await leases.forget('slow');
    await leases.forget('dead');

    expect(await leases.renew('slow', 60_000)).toBe(true);
    await wait(50);
    expect(await leases.claimExpired('peer', 5_000, 10)).toEqual([]);
    expect(await leases.renew('dead', 60_000)).toBe(false); // its lease was gone
  });

  it('refuses to register an attempt under a lease that lapsed', async () => {
    await leases.renew('paused', SHORT_LEASE_MS);
    await wait(LAPSED_MS);

    await expect(leases.hold('paused', attempt('a'))).rejects.toThrow('LEASE_LAPSED');
    await expect(leases.hold('never-leased', attempt('a'))).rejects.toThrow('LEASE_LAPSED');
  });

  it('releases a lease and its attempts on graceful shutdown, so no peer claims it', async () => {
    await leases.renew('leaving', SHORT_LEASE_MS);
    await leases.hold('leaving', attempt('a'));
    await leases.release('leaving');
    await wait(LAPSED_MS);

    expect(await leases.claimExpired('peer', 5_000, 10)).toEqual([]);
  });
});

describe('ProcessLiveness', () => {
  let redis: RedisClient;

  beforeEach(async () => {
    redis = createRedisClient(
      { url: sharedInfra().redisUrl, keyPrefix: `it-liveness-${uniqueSuffix()}:` },
      log,
    );
    await new Promise((resolve) => redis.once('ready', resolve));
  });

  afterEach(async () => {
    await redis.quit();
  });

  const liveness = (ttlMs = 600) =>
    new ProcessLiveness({
      leases: new RedisProcessLeases(redis),
      attempts: { failAttempt: () => Promise.reject(new Error('no peer may be failed here')) },
      ttlMs,
      log,
    });

  it('aborts its attempts when it finds its lease taken away (peers are handing them over)', async () => {
    const process = liveness();
    const hold = await process.hold(attempt('watcher'));
    expect(await redis.hexists(`{processes}:attempts:${process.processId}`, 'watcher')).toBe(1);

    await redis.zrem('{processes}:leases', process.processId); // what a peer's forget does
    // Its next renewal (every 200 ms) finds the lease gone; a loaded machine may delay it.
    for (const deadline = Date.now() + 5_000; !hold.lost.aborted && Date.now() < deadline;) {
      await wait(50);
    }

    expect(hold.lost.aborted).toBe(true);
    expect(String(hold.lost.reason)).toContain('lost its liveness lease');
    const next = await process.hold(attempt('watcher-again'));
    expect(next.lost.aborted).toBe(false);
    await process.stop();
    expect(await redis.zscore('{processes}:leases', process.processId)).toBeNull();
  });

  it('takes its lease when an attempt arrives, if Redis was not connected yet when it started', async () => {
    const connecting = createRedisClient(
      { url: sharedInfra().redisUrl, keyPrefix: `it-liveness-${uniqueSuffix()}:` },
      log,
    );
    const process = new ProcessLiveness({
      leases: new RedisProcessLeases(connecting),
      attempts: { failAttempt: () => Promise.reject(new Error('no peer may be failed here')) },
      ttlMs: 60_000, // no renewal of its own before the attempt arrives
      log,
    });
    process.start(); // its first renewal fails: no offline queue while connecting
    await new Promise((resolve) => connecting.once('ready', resolve));

    const hold = await process.hold(attempt('watcher'));

    expect(hold.lost.aborted).toBe(false);
    await process.stop();
    await connecting.quit();
  });

  it('keeps its attempts while it renews in time', async () => {
    // A TTL of 3 s: renewals every second, so a busy machine's pause of a second or two does not
    // lapse it (the test is about renewing, not about how late a renewal may be).
    const process = liveness(3_000);
    const hold = await process.hold(attempt('watcher'));

    await wait(7_000); // more than two TTLs

    expect(hold.lost.aborted).toBe(false);
    await hold.release();
    expect(await redis.hexists(`{processes}:attempts:${process.processId}`, 'watcher')).toBe(0);
    await process.stop();
  });
});
