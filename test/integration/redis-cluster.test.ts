/**
 * maestro's Redis adapters on a real Redis Cluster (3 masters, 3 replicas on loopback): the room
 * scripts, allocation and the port ledger behave exactly as on one server, a scheduler's keys stay
 * on one master while schedulers spread over all of them, scheduler changes reach every process
 * over cluster pub/sub, and readiness reflects the cluster's state.
 */
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { Cluster } from 'ioredis';
import { PostgresSchedulerStore } from '../../src/adapters/postgres/postgres-scheduler-store';
import { pingRedis, type RedisClient } from '../../src/adapters/redis/client';
import { RedisRoomStore } from '../../src/adapters/redis/redis-room-store';
import {
  RedisSchedulerCache,
  RedisSchedulerCacheInvalidator,
} from '../../src/adapters/redis/redis-scheduler-cache';
import { createSubscriber } from '../../src/adapters/redis/subscriber';
import type { RedisConnection } from '../../src/config/redis';
import {
  startRedisCluster,
  withNode,
  type RunningRedisCluster,
} from '../../scripts/local-infra/redis-cluster';
import { createTestDatabase, uniqueSuffix, testPool } from '../support/infra';
import { describePortAllocatorBehaviour } from '../support/port-allocator-behaviour';
import { connectRedis } from '../support/redis-targets';
import { describeRoomStoreBehaviour } from '../support/room-store-behaviour';
import { schedulersOnEveryMaster } from '../support/cluster-slots';
import { eventually } from '../support/runtime-contract';
import { testScheduler } from '../support/test-scheduler';

let cluster: RunningRedisCluster;
const connection = (): RedisConnection => ({ mode: 'cluster', nodes: cluster.seeds });

beforeAll(async () => {
  const dir = path.join(os.tmpdir(), `maestro-redis-cluster-${uniqueSuffix()}`);
  cluster = await startRedisCluster({ dir, nodeTimeoutMs: 2_000 });
});

afterAll(async () => {
  await cluster.stop();
});

describeRoomStoreBehaviour('a Redis Cluster', connection);
describePortAllocatorBehaviour('a Redis Cluster', connection);

describe('maestro on a Redis Cluster', () => {
  let redis: RedisClient;

  beforeEach(async () => {
    redis = await connectRedis(connection(), `it-cluster-${uniqueSuffix()}:`);
  });

  afterEach(async () => {
    await redis.quit();
  });

  it("keeps each scheduler's rooms on one master while schedulers spread over all three", async () => {
    const schedulers = await schedulersOnEveryMaster(cluster, `spread-${uniqueSuffix()}`, 1);
    const store = new RedisRoomStore(redis, { allocationTtlMs: 60_000 });

    for (const { scheduler } of schedulers) {
      await store.createRoom({ id: 'r1', scheduler, version: 'v1' });
      await store.createRoom({ id: 'r2', scheduler, version: 'v1' });
      await store.allocate(scheduler, { maxMatches: 1 });
    }

    if (!(redis instanceof Cluster)) throw new Error('expected a cluster client');
    const masters = redis.nodes('master');
    expect(masters).toHaveLength(3);
    for (const { scheduler } of schedulers) {
      const perMaster = await Promise.all(masters.map((node) => node.keys(`*{${scheduler}}*`)));
      expect(perMaster.filter((keys) => keys.length > 0)).toHaveLength(1);
      expect(perMaster.flat().length).toBeGreaterThanOrEqual(5); // 2 rooms, status, ping, occupancy
    }
    expect(new Set(schedulers.map((s) => s.master.port)).size).toBe(3);
  });

  it('is ready when the cluster says cluster_state:ok and every master answers', async () => {
    await expect(pingRedis(redis)).resolves.toBeUndefined();
  });

  it('reloads a scheduler in every process on its invalidation (cluster pub/sub)', async () => {
    const database = await createTestDatabase();
    const pool = testPool(database.url, 2);
    const store = new PostgresSchedulerStore(pool);
    const keyPrefix = `it-cluster-cache-${uniqueSuffix()}:`;
    const config = { ...connection(), keyPrefix };
    const caches = [1, 2].map(
      () =>
        new RedisSchedulerCache(
          store,
          createSubscriber(redis, config),
          // A pinned clock: the copies never expire, only the invalidation can drop them.
          { ttlMs: 60_000, keyPrefix, now: () => 0 },
          pino({ level: 'silent' }),
        ),
    );
    try {
      const name = `cache-${uniqueSuffix()}`;
      await eventually(async () => expect(caches.every((c) => c.isSubscribed)).toBe(true));
      const v1 = await store.createScheduler(testScheduler(name));
      for (const cache of caches) expect((await cache.get(name))?.spec.version).toBe('v1.0.0');
      await store.createVersion(testScheduler(name, { spec: { ...v1.spec, version: 'v1.1.0' } }));
      await store.switchActiveVersion(name, 'v1.1.0');

      await new RedisSchedulerCacheInvalidator(redis, keyPrefix).invalidate(name);

      await eventually(async () => {
        for (const cache of caches) expect((await cache.get(name))?.spec.version).toBe('v1.1.0');
      }, 10_000);
    } finally {
      for (const cache of caches) cache.close();
      await pool.end();
      await database.drop();
    }
  });
});

describe('the scheduler cache on a Redis Cluster when the node it listens on dies', () => {
  it('subscribes on another node, drops what it kept, and receives invalidations again', async () => {
    const database = await createTestDatabase();
    const pool = testPool(database.url, 2);
    const store = new PostgresSchedulerStore(pool);
    const keyPrefix = `it-cluster-resub-${uniqueSuffix()}:`;
    const redis = await connectRedis(connection(), keyPrefix);
    const cache = new RedisSchedulerCache(
      store,
      createSubscriber(redis, { ...connection(), keyPrefix }),
      { ttlMs: 60_000, keyPrefix },
      pino({ level: 'silent' }),
    );
    try {
      const name = `resub-${uniqueSuffix()}`;
      const v1 = await store.createScheduler(testScheduler(name));
      await eventually(async () => expect(cache.isSubscribed).toBe(true));
      expect((await cache.get(name))?.spec.version).toBe('v1.0.0');
      const listening = await nodeWithSubscriber(cluster);

      await listening.process.kill();
      // Changed while nobody listened: only dropping everything on re-subscription shows it.
      await store.createVersion(testScheduler(name, { spec: { ...v1.spec, version: 'v1.1.0' } }));
      await store.switchActiveVersion(name, 'v1.1.0');

      await eventually(async () => {
        expect(cache.isSubscribed).toBe(true);
        expect((await cache.get(name))?.spec.version).toBe('v1.1.0');
      }, 10_000);
      await store.createVersion(testScheduler(name, { spec: { ...v1.spec, version: 'v1.2.0' } }));
      await store.switchActiveVersion(name, 'v1.2.0');
      await eventually(async () => {
        await new RedisSchedulerCacheInvalidator(redis, keyPrefix).invalidate(name);
        expect((await cache.get(name))?.spec.version).toBe('v1.2.0');
      }, 10_000);
    } finally {
      cache.close();
      redis.disconnect();
      await pool.end();
      await database.drop();
    }
  });
});

/** The cluster node holding the `maestro-subscriber` connection. */
async function nodeWithSubscriber(running: RunningRedisCluster) {
  for (const node of running.nodes) {
    const clients = String(
      await withNode(node.port, (plain) => plain.call('CLIENT', 'LIST', 'TYPE', 'pubsub')),
    );
    if (clients.includes('name=maestro-subscriber')) return node;
  }
  throw new Error('no node holds the subscriber');
}
