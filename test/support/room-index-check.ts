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

/** The summaries and counts the rooms' full records imply (zero counts left out). */
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
  return { summaries, counts };
}

/** The index as stored: decoded summary lines and the non-zero counts (marker and counter apart). */
export async function storedIndex(redis: RedisClient, scheduler: string) {
  const keys = schedulerKeys(scheduler);
  const lines = await redis.hgetall(keys.summary);
  const summaries = Object.entries(lines)
    .map(([id, line]) => decodeSummaryLine(id, line)!)
    .sort(byId);
  const raw = await redis.hgetall(keys.counts);
  const counts: Record<string, number> = {};
  for (const [field, value] of Object.entries(raw)) {
    if (field !== 'indexed' && field !== 'changes' && Number(value) !== 0) {
      counts[field] = Number(value);
    }
  }
  return { summaries, counts };
}

/** Fails unless the stored index is exactly what the rooms imply. */
export async function expectIndexExact(
  redis: RedisClient,
  store: RedisRoomStore,
  scheduler: string,
) {
  expect(await storedIndex(redis, scheduler)).toEqual(await expectedIndex(store, scheduler));
}
