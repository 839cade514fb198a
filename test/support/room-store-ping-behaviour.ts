/** RedisRoomStore's behaviour on pings (see room-store-behaviour.ts). */
import type { RedisClient } from '../../src/adapters/redis/client';
import type { RedisRoomStore } from '../../src/adapters/redis/redis-room-store';
import type { RoomStoreFixture } from './room-store-fixture';
import { schedulerKeys } from '../../src/adapters/redis/room-codec';
import { keysMatching } from './redis-targets';

/** Pings before and after the instance, forbidden changes, the Redis clock, running matches. */
export function describeRoomStorePing(fixture: RoomStoreFixture) {
  let redis: RedisClient;
  let store: RedisRoomStore;
  let scheduler: string;
  const { instance, ping, readyRoom } = fixture;
  beforeEach(() => ({ redis, store, scheduler } = fixture.current()));

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
      // The index's counts (and change counter) outlive the rooms; nothing else does.
      const counts = await redis.hgetall(schedulerKeys(scheduler).counts);

      expect(await ping('r1', 'ready')).toEqual({ outcome: 'room_not_found' });

      expect(await store.getRoom(scheduler, 'r1')).toBeUndefined();
      expect(await store.listRoomIds(scheduler)).toEqual([]);
      expect(await keysMatching(redis, `*{${scheduler}}*`)).toEqual([
        expect.stringMatching(/:counts$/),
      ]);
      expect(await redis.hgetall(schedulerKeys(scheduler).counts)).toEqual(counts);
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
      expect(await store.listRoomIdsPingedBefore(scheduler, new Date(Date.now() + 60_000))).toEqual(
        ['r1'],
      );
      expect(await store.listRoomIdsPingedBefore(scheduler, new Date(Date.now() - 60_000))).toEqual(
        [],
      );
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
}
