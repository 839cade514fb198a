/**
 * The behaviour of RedisRoomStore, shared by the standalone, Sentinel and cluster suites: a room's
 * record here (creation, instance updates, termination, removal, counts), pings in
 * room-store-ping-behaviour.ts, allocation in room-store-allocation-behaviour.ts.
 */
import type { RedisClient } from '../../src/adapters/redis/client';
import type { RedisRoomStore } from '../../src/adapters/redis/redis-room-store';
import type { RedisConnection } from '../../src/config/redis';
import { keysMatching } from './redis-targets';
import { describeRoomStoreAllocation } from './room-store-allocation-behaviour';
import { roomStoreFixture, type RoomStoreFixture } from './room-store-fixture';
import { describeRoomStorePing } from './room-store-ping-behaviour';

/**
 * RedisRoomStore's behaviour, run against the Redis `connection` gives: the run's standalone Redis
 * (rooms-store.test.ts) and a real Redis Cluster (redis-cluster.test.ts).
 */
export function describeRoomStoreBehaviour(label: string, connection: () => RedisConnection) {
  describe(`RedisRoomStore on ${label}`, () => {
    const fixture = roomStoreFixture(connection);

    describeRoomRecord(fixture);
    describeRoomStorePing(fixture);
    describeRoomStoreAllocation(fixture);
  });
}

/** Creation, instance updates, termination, removal and counts of a room. */
export function describeRoomRecord(fixture: RoomStoreFixture) {
  let redis: RedisClient;
  let store: RedisRoomStore;
  let scheduler: string;
  const { instance, ping, readyRoom } = fixture;
  beforeEach(() => ({ redis, store, scheduler } = fixture.current()));

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
      expect(await store.listRoomIdsPingedBefore(scheduler, new Date(Date.now() + 60_000))).toEqual(
        ['r2'],
      );
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
}
