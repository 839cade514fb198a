/**
 * A Redis Cluster whose nodes require a password (MAESTRO_REDIS_PASSWORD): without it nothing is
 * served and readiness says why; with it the room scripts, the port ledger and the scheduler
 * cache's own subscriber connection all authenticate.
 */
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import {
  startRedisCluster,
  type RunningRedisCluster,
} from '../../scripts/local-infra/redis-cluster';
import { pingRedis } from '../../src/adapters/redis/client';
import { RedisPortAllocator } from '../../src/adapters/redis/redis-port-allocator';
import { RedisRoomStore } from '../../src/adapters/redis/redis-room-store';
import { PostgresSchedulerStore } from '../../src/adapters/postgres/postgres-scheduler-store';
import {
  RedisSchedulerCache,
  RedisSchedulerCacheInvalidator,
} from '../../src/adapters/redis/redis-scheduler-cache';
import { createSubscriber } from '../../src/adapters/redis/subscriber';
import { createRedisClient } from '../../src/adapters/redis/client';
import { createTestDatabase, uniqueSuffix, testPool } from '../support/infra';
import { connectRedis } from '../support/redis-targets';
import { eventually } from '../support/runtime-contract';
import { testScheduler } from '../support/test-scheduler';

const PASSWORD = 'cluster-secret';
const log = pino({ level: 'silent' });

describe('a Redis Cluster that requires a password', () => {
  let cluster: RunningRedisCluster;

  beforeAll(async () => {
    const dir = path.join(os.tmpdir(), `maestro-redis-auth-${uniqueSuffix()}`);
    cluster = await startRedisCluster({ dir, nodeTimeoutMs: 2_000, password: PASSWORD });
  });

  afterAll(async () => {
    await cluster.stop();
  });

  it('serves nothing without the password, and says so in readiness', async () => {
    const redis = createRedisClient({ mode: 'cluster', nodes: cluster.seeds, keyPrefix: '' }, log);
    try {
      await new Promise((resolve) => setTimeout(resolve, 1_000));

      await expect(pingRedis(redis)).rejects.toThrow(/connection is/);
      await expect(
        new RedisRoomStore(redis, { allocationTtlMs: 1_000 }).countByStatus('any'),
      ).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    } finally {
      redis.disconnect();
    }
  });

  it('runs the room scripts, the port ledger and cache invalidations with it', async () => {
    const keyPrefix = `it-auth-${uniqueSuffix()}:`;
    const config = { mode: 'cluster' as const, nodes: cluster.seeds, password: PASSWORD };
    const redis = await connectRedis(config, keyPrefix);
    const database = await createTestDatabase();
    const pool = testPool(database.url, 2);
    const schedulers = new PostgresSchedulerStore(pool);
    const cache = new RedisSchedulerCache(
      schedulers,
      createSubscriber(redis, { ...config, keyPrefix }),
      { ttlMs: 60_000, keyPrefix },
      log,
    );
    try {
      const rooms = new RedisRoomStore(redis, { allocationTtlMs: 60_000 });
      await rooms.createRoom({ id: 'r1', scheduler: 'auth', version: 'v1' });
      await rooms.ping({
        scheduler: 'auth',
        roomId: 'r1',
        pingStatus: 'ready',
        metadata: {},
        runningMatches: 0,
        maxMatches: 1,
      });
      const ports = await new RedisPortAllocator(redis).allocate('auth', 'r1', [
        { name: 'game', range: { start: 45000, end: 45010 } },
      ]);
      await expect(pingRedis(redis)).resolves.toBeUndefined();
      expect(await rooms.getRoom('auth', 'r1')).toMatchObject({ pingStatus: 'ready' });
      expect(ports['game']).toBeGreaterThanOrEqual(45000);

      const name = `auth-${uniqueSuffix()}`;
      const v1 = await schedulers.createScheduler(testScheduler(name));
      await eventually(async () => expect(cache.isSubscribed).toBe(true));
      expect((await cache.get(name))?.spec.version).toBe('v1.0.0');
      await schedulers.createVersion(
        testScheduler(name, { spec: { ...v1.spec, version: 'v1.1.0' } }),
      );
      await schedulers.switchActiveVersion(name, 'v1.1.0');
      await new RedisSchedulerCacheInvalidator(redis, keyPrefix).invalidate(name);
      // Well within the copy's 60 s: the invalidation reached it over the cluster's pub/sub.
      await eventually(
        async () => expect((await cache.get(name))?.spec.version).toBe('v1.1.0'),
        10_000,
      );
    } finally {
      cache.close();
      redis.disconnect();
      await pool.end();
      await database.drop();
    }
  });
});
