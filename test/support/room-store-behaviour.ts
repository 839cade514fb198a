/** The behaviour of RedisRoomStore, shared by the standalone and the cluster suites. */
import type { RedisClient } from '../../src/adapters/redis/client';
import { RedisRoomStore } from '../../src/adapters/redis/redis-room-store';
import type { RedisConnection } from '../../src/config/redis';
import type { GameRoomInstance, InstanceStatus } from '../../src/domain/game-room/instance';
import { uniqueSuffix } from './infra';
import { connectRedis, keysMatching } from './redis-targets';

const TTL_MS = 400;

/**
 * RedisRoomStore's behaviour, run against the Redis `connection` gives: the run's standalone Redis
 * (rooms-store.test.ts) and a real Redis Cluster (redis-cluster.test.ts).
 */
export function describeRoomStoreBehaviour(label: string, connection: () => RedisConnection) {
  describe(`RedisRoomStore on ${label}`, () => {
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

    afterEach(async () => {
      await redis.quit();
    });

    describe('createRoom', () => {
      it('registers a pending room that has not pinged yet', async () => {
        const before = Date.now();

        expect(await store.createRoom({ id: 'r1', scheduler, version: 'v1.2.0' })).toBe(true);

        const room = await store.getRoom(scheduler, 'r1');
        expect(room).toMatchObject({
          id: 'r1',
          scheduler,
          version: 'v1.2.0',
          status: 'pending',
          pingStatus: 'unknown',
          metadata: {},
          runningMatches: 0,
          isValidationRoom: false,
        });
        expect(room?.instance).toBeUndefined();
        expect(room!.createdAt.getTime()).toBeGreaterThanOrEqual(before - 1_000);
        expect(await store.listRoomIdsByStatus(scheduler, 'pending')).toEqual(['r1']);
      });

      it('changes nothing when the room exists (a retried creation)', async () => {
        await readyRoom('r1');

        expect(await store.createRoom({ id: 'r1', scheduler, version: 'v9.0.0' })).toBe(false);

        expect(await store.getRoom(scheduler, 'r1')).toMatchObject({
          status: 'ready',
          version: 'v1.0.0',
        });
      });
    });

    describe('ping', () => {
      it('keeps a room that pings before its instance exists pending, and records the ping', async () => {
        await store.createRoom({ id: 'r1', scheduler, version: 'v1.0.0' });

        const result = await store.ping({
          scheduler,
          roomId: 'r1',
          pingStatus: 'ready',
          metadata: { players: 2 },
          runningMatches: 0,
          maxMatches: 1,
        });

        expect(result).toEqual({
          outcome: 'recorded',
          previous: 'pending',
          status: 'pending',
          room: { isValidationRoom: false },
        });
        expect(await store.getRoom(scheduler, 'r1')).toMatchObject({
          pingStatus: 'ready',
          metadata: { players: 2 },
          status: 'pending',
        });
      });

      it('makes the room ready once the runtime reports its instance ready', async () => {
        await store.createRoom({ id: 'r1', scheduler, version: 'v1.0.0' });
        await ping('r1', 'ready');

        const result = await store.updateInstance(instance('r1'), { maxMatches: 1 });

        expect(result).toMatchObject({ outcome: 'recorded', previous: 'pending', status: 'ready' });
        expect(await store.getRoom(scheduler, 'r1')).toMatchObject({
          status: 'ready',
          instance: instance('r1'),
        });
      });

      it('returns the instance with the recorded ping (for forwarding)', async () => {
        await readyRoom('r1');

        const result = await ping('r1', 'occupied');

        expect(result).toEqual({
          outcome: 'recorded',
          previous: 'ready',
          status: 'occupied',
          room: { isValidationRoom: false, instance: instance('r1') },
        });
      });

      it('never recreates a removed room', async () => {
        await readyRoom('r1');
        await store.removeRoom(scheduler, 'r1');

        expect(await ping('r1', 'ready')).toEqual({ outcome: 'room_not_found' });

        expect(await store.getRoom(scheduler, 'r1')).toBeUndefined();
        expect(await store.listRoomIds(scheduler)).toEqual([]);
        expect(await keysMatching(redis, `*{${scheduler}}*`)).toEqual([]);
      });

      it('writes nothing when the status change is forbidden', async () => {
        await readyRoom('r1');
        await ping('r1', 'terminating');
        await ping('r1', 'terminated');
        const before = await store.getRoom(scheduler, 'r1');

        const result = await store.ping({
          scheduler,
          roomId: 'r1',
          pingStatus: 'ready',
          metadata: { changed: true },
          runningMatches: 0,
          maxMatches: 1,
        });

        expect(result).toEqual({ outcome: 'invalid_transition', from: 'terminated', to: 'ready' });
        expect(await store.getRoom(scheduler, 'r1')).toEqual(before);
      });

      it('sets the last ping from the Redis clock', async () => {
        await readyRoom('r1');
        const [seconds] = await redis.time();

        await ping('r1', 'ready');

        const room = await store.getRoom(scheduler, 'r1');
        expect(Math.abs(room!.lastPingAt.getTime() - Number(seconds) * 1000)).toBeLessThan(2_000);
        expect(
          await store.listRoomIdsPingedBefore(scheduler, new Date(Date.now() + 60_000)),
        ).toEqual(['r1']);
        expect(
          await store.listRoomIdsPingedBefore(scheduler, new Date(Date.now() - 60_000)),
        ).toEqual([]);
      });

      it('makes a multi-match room active, then occupied, with its running matches', async () => {
        await readyRoom('r1');
        const multi = { maxMatches: 3 };

        expect(await ping('r1', 'ready', { ...multi, runningMatches: 1 })).toMatchObject({
          status: 'active',
        });
        expect(await ping('r1', 'ready', { ...multi, runningMatches: 3 })).toMatchObject({
          status: 'occupied',
        });
        expect(await store.sumRunningMatches(scheduler)).toBe(3);
      });
    });

    describe('updateInstance', () => {
      it('stores the instance but keeps the status when the change is forbidden', async () => {
        await readyRoom('r1');
        await ping('r1', 'terminating');
        await ping('r1', 'terminated');

        const result = await store.updateInstance(instance('r1', 'error'), { maxMatches: 1 });

        expect(result).toMatchObject({
          outcome: 'recorded',
          status: 'terminated',
          rejectedStatus: 'error',
        });
        expect(await store.getRoom(scheduler, 'r1')).toMatchObject({
          status: 'terminated',
          instance: { status: 'error' },
        });
      });

      it('does not create a room it does not know', async () => {
        expect(await store.updateInstance(instance('ghost'), { maxMatches: 1 })).toEqual({
          outcome: 'room_not_found',
        });
        expect(await keysMatching(redis, `*{${scheduler}}*`)).toEqual([]);
      });
    });

    describe('allocate', () => {
      it('hands each of 20 ready rooms to exactly one of 50 racing allocators', async () => {
        const ids = Array.from({ length: 20 }, (_, i) => `room-${String(i).padStart(2, '0')}`);
        for (const id of ids) await readyRoom(id);

        const results = await Promise.all(
          Array.from({ length: 50 }, () => store.allocate(scheduler, { maxMatches: 1 })),
        );

        const allocated = results
          .filter((result) => result !== undefined)
          .map((result) => result.roomId);
        expect(allocated).toHaveLength(20);
        expect(new Set(allocated).size).toBe(20);
        expect(allocated.sort()).toEqual(ids);
        expect(await store.listRoomIdsByStatus(scheduler, 'allocated')).toHaveLength(20);
        expect(await store.listRoomIdsByStatus(scheduler, 'ready')).toEqual([]);
      });

      it('never hands out a room whose occupied ping raced the allocation', async () => {
        await readyRoom('r1');

        const [allocations] = await Promise.all([
          Promise.all(
            Array.from({ length: 10 }, () => store.allocate(scheduler, { maxMatches: 1 })),
          ),
          ping('r1', 'occupied'),
        ]);

        expect(
          allocations.filter((allocation) => allocation !== undefined).length,
        ).toBeLessThanOrEqual(1);
        expect(await store.getRoom(scheduler, 'r1')).toMatchObject({ status: 'occupied' });
      });

      it('returns the room’s instance with the allocation', async () => {
        await readyRoom('r1');

        expect(await store.allocate(scheduler, { maxMatches: 1 })).toEqual({
          roomId: 'r1',
          instance: instance('r1'),
        });
      });

      it('finds nothing when no room is ready', async () => {
        await store.createRoom({ id: 'pending', scheduler, version: 'v1.0.0' });

        expect(await store.allocate(scheduler, { maxMatches: 1 })).toBeUndefined();
      });

      it('never hands out a validation room', async () => {
        await readyRoom('a-validation', { isValidationRoom: true });
        await readyRoom('b-regular');

        expect(await store.allocate(scheduler, { maxMatches: 1 })).toMatchObject({
          roomId: 'b-regular',
        });
        expect(await store.allocate(scheduler, { maxMatches: 1 })).toBeUndefined();
      });

      it('keeps an allocated room allocated while it pings ready, and occupied once it says so', async () => {
        await readyRoom('r1');
        await store.allocate(scheduler, { maxMatches: 1 });

        expect(await ping('r1', 'ready')).toMatchObject({
          previous: 'allocated',
          status: 'allocated',
        });
        expect(await ping('r1', 'occupied')).toMatchObject({
          previous: 'allocated',
          status: 'occupied',
        });
        expect((await store.getRoom(scheduler, 'r1'))?.allocatedAt).toBeUndefined();
      });

      it('returns an allocated room that never turned occupied to ready after the TTL, on its next ping', async () => {
        await readyRoom('r1');
        await store.allocate(scheduler, { maxMatches: 1 });
        await new Promise((resolve) => setTimeout(resolve, TTL_MS + 100));

        expect(await ping('r1', 'ready')).toMatchObject({ previous: 'allocated', status: 'ready' });
        expect(await store.allocate(scheduler, { maxMatches: 1 })).toMatchObject({ roomId: 'r1' });
      });

      it('returns an expired allocation to ready on the next allocation even without a ping', async () => {
        await readyRoom('r1');
        await store.allocate(scheduler, { maxMatches: 1 });
        expect(await store.allocate(scheduler, { maxMatches: 1 })).toBeUndefined();
        await new Promise((resolve) => setTimeout(resolve, TTL_MS + 100));

        expect(await store.allocate(scheduler, { maxMatches: 1 })).toMatchObject({ roomId: 'r1' });
      });
    });

    describe('markTerminating and removeRoom', () => {
      it('marks a room terminating whatever its status and returns it as it was', async () => {
        await readyRoom('r1');
        await store.allocate(scheduler, { maxMatches: 1 });

        const before = await store.markTerminating(scheduler, 'r1');

        expect(before).toMatchObject({ status: 'allocated', instance: instance('r1') });
        expect(await store.getRoom(scheduler, 'r1')).toMatchObject({ status: 'terminating' });
        expect(await store.listRoomIdsByStatus(scheduler, 'allocated')).toEqual([]);
        expect(await store.markTerminating(scheduler, 'ghost')).toBeUndefined();
      });

      it('drops every trace of the room and returns it as it was', async () => {
        await readyRoom('r1');
        await readyRoom('r2');

        expect(await store.removeRoom(scheduler, 'r1')).toMatchObject({
          id: 'r1',
          status: 'ready',
        });

        expect(await store.listRoomIds(scheduler)).toEqual(['r2']);
        expect(await store.removeRoom(scheduler, 'r1')).toBeUndefined();
        expect(
          await store.listRoomIdsPingedBefore(scheduler, new Date(Date.now() + 60_000)),
        ).toEqual(['r2']);
      });
    });

    describe('counts', () => {
      it('counts rooms by status, and the four of GET /schedulers/info', async () => {
        await readyRoom('a');
        await readyRoom('b');
        await readyRoom('c');
        await ping('c', 'occupied');
        await store.createRoom({ id: 'd', scheduler, version: 'v1.0.0' });
        await readyRoom('e');
        await store.markTerminating(scheduler, 'e');

        expect(await store.countRooms(scheduler)).toEqual({
          pending: 1,
          unready: 0,
          ready: 2,
          occupied: 1,
          terminating: 1,
          error: 0,
          terminated: 0,
          active: 0,
          allocated: 0,
        });
        expect(await store.countByStatus(scheduler)).toEqual({
          ready: 2,
          occupied: 1,
          pending: 1,
          terminating: 1,
        });
        expect(await store.countByStatus('unknown-scheduler')).toEqual({
          ready: 0,
          occupied: 0,
          pending: 0,
          terminating: 0,
        });
      });
    });
  });
}
