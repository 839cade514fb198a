/**
 * The scheduler cache of the Rooms API: schedulers are read once, and a version switch reaches
 * every process within milliseconds of the invalidation (Redis pub/sub), not minutes.
 */
import type { Redis } from 'ioredis';
import type { Pool } from 'pg';
import pino from 'pino';
import { PostgresSchedulerStore } from '../../src/adapters/postgres/postgres-scheduler-store';
import {
  RedisSchedulerCache,
  RedisSchedulerCacheInvalidator,
} from '../../src/adapters/redis/redis-scheduler-cache';
import type { Scheduler } from '../../src/domain/scheduler/scheduler';
import { createTestDatabase, uniqueSuffix, testPool } from '../support/infra';
import { connectStandalone } from '../support/redis-targets';
import { eventually } from '../support/runtime-contract';
import { startTestForwarder } from '../support/forwarder-server';
import {
  call,
  forwarderAt,
  startRoomsApi,
  testScheduler,
  type RoomsApiHarness,
} from '../support/rooms-api-server';

const log = pino({ level: 'silent' });

/** The scheduler's next version with other forwarders, stored and made active. */
async function switchVersion(
  store: PostgresSchedulerStore,
  current: Scheduler,
  forwarders: unknown[],
) {
  const next = testScheduler(current.name, {
    forwarders,
    spec: { ...current.spec, version: 'v1.1.0' },
  });
  await store.createVersion(next);
  await store.switchActiveVersion(current.name, 'v1.1.0');
}

describe('RedisSchedulerCache', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let pool: Pool;
  let store: PostgresSchedulerStore;
  let redis: Redis;
  let keyPrefix: string;
  let caches: RedisSchedulerCache[];

  /** A pinned clock: no entry ever expires, only an invalidation can drop it. */
  const frozen = () => 0;
  const cache = async (
    ttlMs = 60_000,
    schedulerStore = store,
    connectionName?: string,
    now?: () => number,
  ) => {
    const created = new RedisSchedulerCache(
      schedulerStore,
      redis.duplicate(connectionName ? { connectionName } : {}),
      { ttlMs, keyPrefix, ...(now && { now }) },
      log,
    );
    caches.push(created);
    await eventually(async () => expect(created.isSubscribed).toBe(true));
    return created;
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    pool = testPool(database.url, 4);
    store = new PostgresSchedulerStore(pool);
  });

  afterAll(async () => {
    await pool.end();
    await database.drop();
  });

  beforeEach(async () => {
    keyPrefix = `it-cache-${uniqueSuffix()}:`;
    redis = await connectStandalone(keyPrefix);
    caches = [];
  });

  afterEach(async () => {
    for (const created of caches) created.close();
    await redis.quit();
  });

  it('keeps serving what it read until told the scheduler changed, then every process reloads it at once', async () => {
    const name = `cache-${uniqueSuffix()}`;
    const v1 = await store.createScheduler(
      testScheduler(name, { forwarders: [forwarderAt('old', 'old:1')] }),
    );
    const [first, second] = [
      await cache(60_000, store, undefined, frozen),
      await cache(60_000, store, undefined, frozen),
    ];
    expect((await first.get(name))?.forwarders[0]?.name).toBe('old');
    expect((await second.get(name))?.forwarders[0]?.name).toBe('old');

    await switchVersion(store, v1, [forwarderAt('new', 'new:1')]);
    expect((await first.get(name))?.spec.version).toBe('v1.0.0');

    // Their clock is pinned, so the entries never expire: only the invalidation can drop them.
    await new RedisSchedulerCacheInvalidator(redis, keyPrefix).invalidate(name);
    await eventually(async () => {
      expect((await first.get(name))?.forwarders[0]?.name).toBe('new');
      expect((await second.get(name))?.spec.version).toBe('v1.1.0');
    }, 10_000);
  });

  it('answers undefined for an unknown scheduler, and finds it as soon as its creation is announced', async () => {
    const name = `late-${uniqueSuffix()}`;
    const reader = await cache(60_000, store, undefined, frozen);
    expect(await reader.get(name)).toBeUndefined();

    await store.createScheduler(testScheduler(name));
    expect(await reader.get(name)).toBeUndefined(); // "no such scheduler" is remembered...
    await new RedisSchedulerCacheInvalidator(redis, keyPrefix).invalidate(name);

    // ...until the announcement (the pinned clock keeps the 1 s memory of it from running out).
    await eventually(async () => expect((await reader.get(name))?.name).toBe(name), 10_000);
  });

  it('drops everything it kept when its subscription comes back, since changes may have been missed', async () => {
    const name = `resub-${uniqueSuffix()}`;
    const v1 = await store.createScheduler(testScheduler(name));
    const connectionName = `sub${uniqueSuffix()}`;
    const reader = await cache(60_000, store, connectionName);
    expect((await reader.get(name))?.spec.version).toBe('v1.0.0');

    // Only this cache's subscription: other test files share the Redis.
    const clients = String(await redis.call('CLIENT', 'LIST', 'TYPE', 'pubsub'));
    const id = new RegExp(`id=(\\d+) [^\\n]*name=${connectionName} `).exec(clients)?.[1];
    expect(id).toBeDefined();
    await redis.call('CLIENT', 'KILL', 'ID', id!);
    await switchVersion(store, v1, []);

    await eventually(
      async () => expect((await reader.get(name))?.spec.version).toBe('v1.1.0'),
      5_000,
    );
  });

  it('serves the last copy when reloading fails (stale-if-error), but not an unknown scheduler', async () => {
    const name = `stale-${uniqueSuffix()}`;
    await store.createScheduler(testScheduler(name));
    const brokenPool = testPool(database.url, 1);
    const reader = await cache(20, new PostgresSchedulerStore(brokenPool));
    expect((await reader.get(name))?.name).toBe(name);

    await brokenPool.end();
    await new Promise((resolve) => setTimeout(resolve, 50));

    expect((await reader.get(name))?.name).toBe(name);
    await expect(reader.get('never-seen')).rejects.toThrow();
  });
});

describe('a version switch seen by the Rooms API', () => {
  let api: RoomsApiHarness;

  beforeAll(async () => {
    api = await startRoomsApi();
  });

  afterAll(async () => {
    await api.close();
  });

  it('sends resyncs to the new version’s forwarder once the switch is announced, and only there', async () => {
    const name = `switch-${uniqueSuffix()}`;
    const newBackend = await startTestForwarder();
    try {
      const v1 = await api.schedulers.createScheduler(
        testScheduler(name, { forwarders: [forwarderAt('old', api.forwarder.address)] }),
      );
      await api.lifecycle.roomCreating({ id: 'room-1', scheduler: name, version: 'v1.0.0' });
      await api.lifecycle.instanceChanged({
        type: 'added',
        instance: {
          id: 'room-1',
          scheduler: name,
          version: 'v1.0.0',
          status: 'ready',
          address: { host: 'h', ports: [{ name: 'game', protocol: 'UDP', port: 1 }] },
          createdAt: new Date(),
        },
      });
      await call(api, 'PUT', `/scheduler/${name}/rooms/room-1/ping`, { status: 'ready' });
      await api.ping.drain();

      await switchVersion(api.schedulers, v1, [forwarderAt('new', newBackend.address)]);
      await api.invalidator.invalidate(name);
      // The invalidation travels by pub/sub: pings reach the new forwarder long before the cached
      // copy's 60 s would run out...
      await eventually(async () => {
        await call(api, 'PUT', `/scheduler/${name}/rooms/room-1/ping`, { status: 'ready' });
        await api.ping.drain();
        expect(newBackend.count()).toBeGreaterThan(0);
      }, 10_000);
      const [oldAtSwitch, newAtSwitch] = [api.forwarder.count(), newBackend.count()];
      // ...and from then on only there.
      for (let i = 0; i < 3; i++) {
        await call(api, 'PUT', `/scheduler/${name}/rooms/room-1/ping`, { status: 'ready' });
      }
      await api.ping.drain();
      expect(newBackend.count()).toBe(newAtSwitch + 3);
      expect(api.forwarder.count()).toBe(oldAtSwitch);
    } finally {
      await newBackend.close();
    }
  });
});
