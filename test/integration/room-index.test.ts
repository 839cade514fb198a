/**
 * The room index (summary lines and counts per scheduler, kept by every room write script) on a
 * real Redis: exact after concurrent writers on every write path, rebuilt for rooms written
 * before it existed or when a key of it is lost, the change counter, the expiry candidates, and
 * the metrics snapshot it feeds equal to counting every room. Every test also ends with the
 * fixture's exactness check (room-store-fixture.ts).
 */
import type { RedisClient } from '../../src/adapters/redis/client';
import { RedisRoomStore } from '../../src/adapters/redis/redis-room-store';
import { schedulerKeys } from '../../src/adapters/redis/room-codec';
import { snapshotOf } from '../../src/app/scheduler-metrics';
import type { InstanceStatus } from '../../src/domain/game-room/instance';
import { INSTANCE_STATUSES } from '../../src/domain/game-room/instance';
import { countByStatus, planHealth } from '../../src/domain/health/health-plan';
import { connectRedis, standaloneRedis } from '../support/redis-targets';
import { expectedIndex, expectIndexExact, storedIndex } from '../support/room-index-check';
import { roomStoreFixture } from '../support/room-store-fixture';
import { testScheduler } from '../support/test-scheduler';

const fixture = roomStoreFixture(standaloneRedis);
const { instance, ping, readyRoom } = fixture;
let redis: RedisClient;
let store: RedisRoomStore;
let scheduler: string;
beforeEach(() => ({ redis, store, scheduler } = fixture.current()));

/** Rooms in every state the index distinguishes, a validation room among them. */
async function variedRooms() {
  await readyRoom('ready-1');
  await readyRoom('validation-1', { isValidationRoom: true });
  await readyRoom('occupied-1');
  await ping('occupied-1', 'occupied', { runningMatches: 1 });
  await readyRoom('multi-1');
  await ping('multi-1', 'ready', { runningMatches: 2, maxMatches: 3 });
  await store.createRoom({ id: 'pending-1', scheduler, version: 'v2.0.0' });
  await store.createRoom({ id: 'failed-1', scheduler, version: 'v1.0.0' });
  await store.updateInstance(instance('failed-1', 'error'), { maxMatches: 1 });
  await readyRoom('leaving-1');
  await store.markTerminating(scheduler, 'leaving-1');
}

describe('the room index', () => {
  it('is rebuilt, atomically and once, for rooms written before it existed', async () => {
    await variedRooms();
    const changes = await store.roomChanges(scheduler);
    const keys = schedulerKeys(scheduler);
    await redis.del(keys.summary, keys.counts, keys.starting);
    expect(await storedIndex(redis, scheduler)).toEqual({
      summaries: [],
      counts: {},
      starting: [],
    });

    const summaries = await store.listRoomSummaries(scheduler);

    const expected = await expectedIndex(store, scheduler);
    expect([...summaries].sort((a, b) => a.id.localeCompare(b.id))).toEqual(expected.summaries);
    expect(await storedIndex(redis, scheduler)).toEqual(expected);
    expect(await store.rebuildIndex(scheduler)).toBe(-1);
    expect(await redis.hget(keys.counts, 'changes')).not.toBeNull();
    expect(changes).toBeGreaterThan(0);
  });

  it('is rebuilt when its summary lines were lost but its counts were not', async () => {
    await variedRooms();
    await store.listRoomSummaries(scheduler);
    await redis.del(schedulerKeys(scheduler).summary);

    const summaries = await store.listRoomSummaries(scheduler);

    expect(summaries.map((room) => room.id).sort()).toEqual(
      (await store.listRoomIds(scheduler)).sort(),
    );
  });

  it('tallies the rooms as counting every room does, and rebuilds before tallying', async () => {
    await variedRooms();
    await redis.del(schedulerKeys(scheduler).counts);

    const tally = await store.tallyRooms(scheduler);

    const rooms = await store.listRooms(scheduler);
    const validation = rooms.filter((room) => room.isValidationRoom);
    const instances = Object.fromEntries(INSTANCE_STATUSES.map((s) => [s, 0]));
    for (const room of rooms) instances[room.instance?.status ?? 'unknown']! += 1;
    expect(tally).toEqual({
      statuses: countByStatus(rooms),
      validationStatuses: countByStatus(validation),
      instances,
      runningMatches: 3,
      validationRunningMatches: 0,
      changes: tally.changes,
    });
    expect(tally.changes).toBeGreaterThan(0);
    expect(await store.sumRunningMatches(scheduler)).toBe(3);
  });

  it('stays exact under concurrent writers on every write path', async () => {
    const others = await Promise.all(
      [1, 2, 3].map(() => connectRedis(standaloneRedis(), redis.options.keyPrefix ?? '')),
    );
    try {
      const ids = Array.from({ length: 30 }, (_, i) => `room-${i}`);
      await Promise.all(ids.map((id) => store.createRoom({ id, scheduler, version: 'v1.0.0' })));
      const stores = others.map((client) => new RedisRoomStore(client, { allocationTtlMs: 50 }));
      const statuses: InstanceStatus[] = ['pending', 'ready', 'ready', 'error', 'terminating'];
      const pingStatuses = ['ready', 'ready', 'occupied', 'terminating'] as const;
      const act = async (writer: RedisRoomStore, step: number) => {
        const id = ids[(step * 7 + 3) % ids.length]!;
        switch (step % 7) {
          case 0:
            return writer.updateInstance(instance(id, statuses[step % statuses.length]), {
              maxMatches: 2,
            });
          case 1:
          case 2:
            return writer.ping({
              scheduler,
              roomId: id,
              pingStatus: pingStatuses[step % pingStatuses.length]!,
              metadata: {},
              runningMatches: step % 3,
              maxMatches: 2,
            });
          case 3:
            return writer.allocate(scheduler, { maxMatches: 2 });
          case 4:
            return step % 2
              ? writer.markTerminating(scheduler, id)
              : writer.allocate(scheduler, { maxMatches: 2 });
          case 5:
            return writer.removeRoom(scheduler, id);
          default:
            return writer.createRoom({ id, scheduler, version: 'v2.0.0' });
        }
      };
      await Promise.all(
        stores.map(async (writer, w) => {
          for (let step = w; step < 600; step += stores.length) await act(writer, step);
        }),
      );

      await expectIndexExact(redis, store, scheduler);
      expect((await store.listRoomSummaries(scheduler)).length).toBe(
        (await store.listRoomIds(scheduler)).length,
      );
    } finally {
      await Promise.all(others.map((client) => client.quit()));
    }
  });
});

describe('the summary lines', () => {
  it('are written by pings exactly as a rebuild writes them', async () => {
    await variedRooms();
    await ping('multi-1', 'ready', { runningMatches: 1, maxMatches: 3 });
    const key = schedulerKeys(scheduler).summary;
    const written = await redis.hgetall(key);

    await store.rebuildIndex(scheduler, { force: true });

    expect(await redis.hgetall(key)).toEqual(written);
    expect(Object.keys(written)).toHaveLength(7);
  });
});

describe('the change counter', () => {
  it('grows with every change but a ping that changes only the ping time, and never goes back', async () => {
    const changes = () => store.roomChanges(scheduler);
    await readyRoom('r1');
    const afterReady = await changes();

    await ping('r1', 'ready');
    expect(await changes()).toBe(afterReady);

    await ping('r1', 'occupied');
    const afterOccupied = await changes();
    expect(afterOccupied).toBeGreaterThan(afterReady);

    await ping('r1', 'occupied', { runningMatches: 2, maxMatches: 1 });
    const afterMatches = await changes();
    expect(afterMatches).toBeGreaterThan(afterOccupied);

    await redis.hdel(schedulerKeys(scheduler).counts, 'indexed');
    await store.listRoomSummaries(scheduler);
    const afterRebuild = await changes();
    expect(afterRebuild).toBeGreaterThan(afterMatches);

    await store.removeRoom(scheduler, 'r1');
    expect(await changes()).toBeGreaterThan(afterRebuild);
  });
});

describe('listExpiryCandidates', () => {
  it('lists the rooms starting for longer than the initialization timeout and the silent ones', async () => {
    await variedRooms();
    const ids = async (now: Date, pingTimeoutMs: number, initializationTimeoutMs: number) =>
      (await store.listExpiryCandidates(scheduler, { now, pingTimeoutMs, initializationTimeoutMs }))
        .map((room) => room.id)
        .sort();
    const hour = 3_600_000;

    expect(await ids(new Date(), hour, hour)).toEqual([]);
    expect(await ids(new Date(Date.now() + 2 * hour), 3 * hour, hour)).toEqual(['pending-1']);
    // The pending room turned ready leaves the starting set.
    await readyRoom('pending-2');
    expect(await ids(new Date(Date.now() + 2 * hour), 3 * hour, hour)).toEqual(['pending-1']);
    expect(await ids(new Date(Date.now() + 2 * hour), hour, 3 * hour)).toEqual(
      (await store.listRoomIds(scheduler)).sort(),
    );
  });
});

describe('the metrics snapshot from the index', () => {
  it('reports what counting every room and planning on them reports', async () => {
    await variedRooms();
    const timeouts = { pingTimeoutMs: 60_000, initializationTimeoutMs: 0, deletionTimeoutMs: 0 };
    const definition = testScheduler(scheduler, { roomsReplicas: 9 });
    await new Promise((resolve) => setTimeout(resolve, 5)); // the pending room is now expired

    const snapshot = await snapshotOf(definition, store, timeouts);

    const rooms = await store.listRooms(scheduler);
    const plan = planHealth(definition, rooms, timeouts, new Date());
    const instances = Object.fromEntries(INSTANCE_STATUSES.map((s) => [s, 0]));
    for (const room of rooms) instances[room.instance?.status ?? 'unknown']! += 1;
    expect(snapshot).toMatchObject({
      rooms: countByStatus(rooms),
      instances,
      runningMatches: rooms.reduce((sum, room) => sum + room.runningMatches, 0),
      desiredRooms: plan.desired,
      currentRooms: plan.available,
    });
    expect(snapshot.currentRooms).toBe(3);
  });

  it('counts a terminating room silent past the deletion timeout and grace period, not before', async () => {
    await variedRooms();
    const timeouts = {
      pingTimeoutMs: 600_000,
      initializationTimeoutMs: 600_000,
      deletionTimeoutMs: 60_000,
    };
    const definition = testScheduler(scheduler, { roomsReplicas: 9 });

    const now = await snapshotOf(definition, store, timeouts);
    const inTwoMinutes = await snapshotOf(
      definition,
      store,
      timeouts,
      new Date(Date.now() + 120_000),
    );

    expect(now.roomsWithTerminationTimeout).toBe(0);
    // Only leaving-1: the deletion timeout is shorter than the ping timeout, yet it is seen.
    expect(inTwoMinutes.roomsWithTerminationTimeout).toBe(1);
    expect(inTwoMinutes.currentRooms).toBe(now.currentRooms);
  });
});
