/** RedisRoomStore's behaviour on allocation (see room-store-behaviour.ts). */
import type { RedisRoomStore } from '../../src/adapters/redis/redis-room-store';
import { TTL_MS, type RoomStoreFixture } from './room-store-fixture';

/** Racing allocators, racing pings, validation rooms, the allocation TTL. */
export function describeRoomStoreAllocation(fixture: RoomStoreFixture) {
  let store: RedisRoomStore;
  let scheduler: string;
  const { instance, ping, readyRoom } = fixture;
  beforeEach(() => ({ store, scheduler } = fixture.current()));

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
        Promise.all(Array.from({ length: 10 }, () => store.allocate(scheduler, { maxMatches: 1 }))),
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
}
