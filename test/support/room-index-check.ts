/**
 * The room index against the rooms themselves: what the write scripts maintained (read raw, so a
 * rebuild cannot hide a missed update) must equal what the rooms' full records say.
 */
import type { RedisClient } from '../../src/adapters/redis/client';
import type { RedisRoomStore } from '../../src/adapters/redis/redis-room-store';
import { decodeSummaryLine, schedulerKeys } from '../../src/adapters/redis/room-codec';
import { ROOM_STATUS_CODES } from '../../src/domain/game-room/status';
import type { RoomSummary } from '../../src/ports/room-store';

const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** The summaries, counts and starting set the rooms' full records imply (zero counts left out). */
export async function expectedIndex(store: RedisRoomStore, scheduler: string) {
  const rooms = await store.listRooms(scheduler);
  const summaries: RoomSummary[] = rooms
    .map((room) => ({
      id: room.id,
      status: room.status,
      version: room.version,
      runningMatches: room.runningMatches,
      isValidationRoom: room.isValidationRoom,
      createdAt: room.createdAt,
      lastPingAt: room.lastPingAt,
      instanceStatus: room.instance?.status ?? 'unknown',
    }))
    .sort(byId);
  const counts: Record<string, number> = {};
  const bump = (field: string, n: number) => {
    if (n !== 0) counts[field] = (counts[field] ?? 0) + n;
  };
  for (const room of summaries) {
    const code = ROOM_STATUS_CODES[room.status];
    bump(`status:${code}`, 1);
    bump(`instance:${room.instanceStatus}`, 1);
    bump('running', room.runningMatches);
    if (room.isValidationRoom) {
      bump(`validation:${code}`, 1);
      bump('validation_running', room.runningMatches);
    }
  }
  const starting = summaries
    .filter((room) => room.status === 'pending' || room.status === 'unready')
    .map((room) => [room.id, room.createdAt.getTime()] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return { summaries, counts, starting };
}

/** The index as stored: decoded lines, non-zero counts (marker and counter apart), starting set. */
export async function storedIndex(redis: RedisClient, scheduler: string) {
  const keys = schedulerKeys(scheduler);
  const lines = await redis.hgetall(keys.summary);
  const summaries = Object.entries(lines)
    .map(([id, line]) => decodeSummaryLine(id, line)!)
    .sort(byId);
  const flat = await redis.zrange(keys.starting, 0, -1, 'WITHSCORES');
  const starting: Array<readonly [string, number]> = [];
  for (let i = 0; i < flat.length; i += 2) starting.push([flat[i]!, Number(flat[i + 1])]);
  starting.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const raw = await redis.hgetall(keys.counts);
  const counts: Record<string, number> = {};
  for (const [field, value] of Object.entries(raw)) {
    if (field !== 'indexed' && field !== 'changes' && Number(value) !== 0) {
      counts[field] = Number(value);
    }
  }
  return { summaries, counts, starting };
}

/**
 * Fails unless the stored index is exactly what the rooms imply, and the store's summary read
 * (one transaction, rebuilding first when the index is not marked complete) returns it.
 */
export async function expectIndexExact(
  redis: RedisClient,
  store: RedisRoomStore,
  scheduler: string,
) {
  const expected = await expectedIndex(store, scheduler);
  expect(await storedIndex(redis, scheduler)).toEqual(expected);
  expect([...(await store.listRoomSummaries(scheduler))].sort(byId)).toEqual(expected.summaries);
}
