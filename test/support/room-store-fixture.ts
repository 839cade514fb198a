/**
 * The arrange part of RedisRoomStore's behaviour suites (room-store-behaviour.ts): a store on a
 * fresh key prefix and a fresh scheduler for every test, and the room helpers they share.
 */
import type { RedisClient } from '../../src/adapters/redis/client';
import { RedisRoomStore } from '../../src/adapters/redis/redis-room-store';
import type { RedisConnection } from '../../src/config/redis';
import type { GameRoomInstance, InstanceStatus } from '../../src/domain/game-room/instance';
import { uniqueSuffix } from './infra';
import { expectIndexExact } from './room-index-check';
import { connectRedis } from './redis-targets';

export const TTL_MS = 400;

export type RoomStoreFixture = ReturnType<typeof roomStoreFixture>;

/**
 * Registers the hooks that give every test its store and scheduler on the Redis `connection`
 * gives; `current()` is this test's (read it in a `beforeEach`). Call it in a `describe` body.
 */
export function roomStoreFixture(connection: () => RedisConnection) {
  let redis: RedisClient;
  let store: RedisRoomStore;
  let scheduler: string;

  const instance = (id: string, status: InstanceStatus = 'ready'): GameRoomInstance => ({
    id,
    scheduler,
    version: 'v1.0.0',
    status,
    address: { host: '10.0.0.1', ports: [{ name: 'game', protocol: 'UDP', port: 7000 }] },
    createdAt: new Date('2026-01-01T00:00:00Z'),
  });

  const ping = (
    roomId: string,
    pingStatus: 'ready' | 'occupied' | 'terminating' | 'terminated',
    extra = {},
  ) =>
    store.ping({
      scheduler,
      roomId,
      pingStatus,
      metadata: {},
      runningMatches: 0,
      maxMatches: 1,
      ...extra,
    });

  /** A room that reported ready with a ready instance. */
  async function readyRoom(id: string, options: { isValidationRoom?: boolean } = {}) {
    await store.createRoom({ id, scheduler, version: 'v1.0.0', ...options });
    await store.updateInstance(instance(id), { maxMatches: 1 });
    await ping(id, 'ready');
  }

  beforeEach(async () => {
    redis = await connectRedis(connection(), `it-rooms-${uniqueSuffix()}:`);
    store = new RedisRoomStore(redis, { allocationTtlMs: TTL_MS });
    scheduler = `sched-${uniqueSuffix()}`;
  });

  // Whatever a test wrote, the room index kept by the write scripts matches the rooms.
  afterEach(async () => {
    try {
      await expectIndexExact(redis, store, scheduler);
    } finally {
      await redis.quit();
    }
  });

  return { current: () => ({ redis, store, scheduler }), instance, ping, readyRoom };
}
