/** Room hashes in Redis ↔ domain rooms. Every field is a string in Redis; times are epoch ms. */
import {
  INSTANCE_STATUSES,
  type GameRoomInstance,
  type InstanceStatus,
} from '../../domain/game-room/instance';
import type { GameRoom } from '../../domain/game-room/room';
import type { RoomSummary } from '../../ports/room-store';
import {
  PingStatus,
  RoomStatus,
  roomStatusOfCode,
  type PingStatus as PingStatusType,
} from '../../domain/game-room/status';
import type { JsonObject } from '../../domain/scheduler/scheduler';

/** Every key of one scheduler's rooms, sharing the scheduler's hash tag. */
export function schedulerKeys(scheduler: string) {
  const base = `scheduler:{${scheduler}}:`;
  return {
    room: (roomId: string) => `${base}rooms:${roomId}`,
    status: `${base}status`,
    ping: `${base}ping`,
    occupancy: `${base}occupancy`,
    allocated: `${base}allocated`,
    /** Room index: room id → its summary line (see `decodeSummaryLine`). */
    summary: `${base}summary`,
    /** Tallies of the summary lines, the change counter and the index marker. */
    counts: `${base}counts`,
    /** Pending and unready rooms by creation time (epoch ms), part of the index. */
    starting: `${base}starting`,
  };
}

/** An instance as stored (dates as ISO strings). */
export const encodeInstance = (instance: GameRoomInstance): string => JSON.stringify(instance);

/** The stored instance, or undefined for an empty or unreadable field. */
export function decodeInstance(text: string | undefined): GameRoomInstance | undefined {
  if (!text) return undefined;
  try {
    const raw = JSON.parse(text) as GameRoomInstance & { createdAt: string };
    return { ...raw, createdAt: new Date(raw.createdAt) };
  } catch {
    return undefined;
  }
}

const PING_STATUSES: readonly string[] = Object.values(PingStatus);

function pingStatusOf(text: string | undefined): PingStatusType {
  return text !== undefined && PING_STATUSES.includes(text)
    ? (text as PingStatusType)
    : PingStatus.UNKNOWN;
}

function metadataOf(text: string | undefined): JsonObject {
  if (!text) return {};
  try {
    const value = JSON.parse(text) as unknown;
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as JsonObject)
      : {};
  } catch {
    return {};
  }
}

const dateOf = (text: string | undefined) => new Date(Number(text ?? 0));

/**
 * A room from a script's snapshot reply: `[statusCode, field, value, field, value, …]` (HGETALL
 * after the status), or undefined for an empty reply (no such room).
 */
export function decodeRoomSnapshot(
  scheduler: string,
  roomId: string,
  reply: unknown,
): GameRoom | undefined {
  if (!Array.isArray(reply) || reply.length === 0) return undefined;
  const [statusCode, ...flat] = reply as [number, ...string[]];
  const fields = new Map<string, string>();
  for (let i = 0; i + 1 < flat.length; i += 2) fields.set(flat[i]!, flat[i + 1]!);
  const allocatedAt = fields.get('allocated_at');
  const instance = decodeInstance(fields.get('instance'));
  return {
    id: roomId,
    scheduler,
    version: fields.get('version') ?? '',
    status: roomStatusOfCode(Number(statusCode)) ?? RoomStatus.PENDING,
    pingStatus: pingStatusOf(fields.get('ping_status')),
    metadata: metadataOf(fields.get('metadata')),
    runningMatches: Number(fields.get('running_matches') ?? 0),
    isValidationRoom: fields.get('is_validation_room') === '1',
    createdAt: dateOf(fields.get('created_at')),
    lastPingAt: dateOf(fields.get('last_ping_at')),
    ...(allocatedAt === undefined ? {} : { allocatedAt: dateOf(allocatedAt) }),
    ...(instance ? { instance } : {}),
  };
}

/**
 * A room's line in the scheduler's index (written by the room scripts' `index_room`):
 * `status code|last ping ms|created ms|running matches|validation 1/0|instance status|version`.
 * The version is last, so a `|` in it cannot shift the other fields. Undefined when malformed.
 */
export function decodeSummaryLine(roomId: string, line: string): RoomSummary | undefined {
  const fields: string[] = [];
  let start = 0;
  for (let i = 0; i < 6; i++) {
    const end = line.indexOf('|', start);
    if (end < 0) return undefined;
    fields.push(line.slice(start, end));
    start = end + 1;
  }
  const [code, lastPingAt, createdAt, running, validation, instanceStatus] = fields;
  return {
    id: roomId,
    status: roomStatusOfCode(Number(code)) ?? RoomStatus.PENDING,
    lastPingAt: new Date(Number(lastPingAt)),
    createdAt: new Date(Number(createdAt)),
    runningMatches: Number(running),
    isValidationRoom: validation === '1',
    instanceStatus: instanceStatusOf(instanceStatus),
    version: line.slice(start),
  };
}

const INSTANCE_STATUS_NAMES: readonly string[] = INSTANCE_STATUSES;

function instanceStatusOf(text: string | undefined): InstanceStatus {
  return text !== undefined && INSTANCE_STATUS_NAMES.includes(text)
    ? (text as InstanceStatus)
    : 'unknown';
}
