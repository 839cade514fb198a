/**
 * Which rooms go first when rooms must be removed (Maestro's `ListRoomsWithDeletionPriority`, made
 * stricter): rooms that serve nobody before rooms in use, so a scale-down never picks an occupied
 * room while a free one exists.
 */
import type { GameRoom } from '../game-room/room';
import { RoomStatus } from '../game-room/status';
import { isOtherMajor } from '../scheduler/versioning';

/** Statuses of rooms with players or a matchmaker's claim on them. */
export const IN_USE_STATUSES: readonly RoomStatus[] = [
  RoomStatus.ACTIVE,
  RoomStatus.ALLOCATED,
  RoomStatus.OCCUPIED,
];

export interface DeletionContext {
  activeVersion: string;
  now: Date;
  pingTimeoutMs: number;
}

/**
 * The order of a free room: broken first (error, terminated, no ping within the timeout,
 * unready), then rooms of another major version, then pending before ready. Rooms in use follow
 * every free room, older major versions first, occupied last.
 */
/** What the order looks at in a room. */
export type DeletionRoom = Pick<
  GameRoom,
  'id' | 'status' | 'version' | 'isValidationRoom' | 'lastPingAt'
>;

function rank(room: DeletionRoom, context: DeletionContext): number[] {
  const isOld = isOtherMajor(room.version, context.activeVersion) ? 0 : 1;
  const inUse = IN_USE_STATUSES.indexOf(room.status);
  if (inUse >= 0) return [1, isOld, inUse, 0];
  const isStale = room.lastPingAt.getTime() < context.now.getTime() - context.pingTimeoutMs;
  const isBroken =
    room.status === RoomStatus.ERROR ||
    room.status === RoomStatus.TERMINATED ||
    room.status === RoomStatus.UNREADY ||
    (isStale && room.status !== RoomStatus.PENDING);
  const state = room.status === RoomStatus.PENDING ? 0 : 1;
  return [0, isBroken ? 0 : 1, isOld, state];
}

function compareRanks(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

/**
 * Rooms that may be removed, in deletion order. Rooms already terminating and validation rooms
 * (their operation removes them) are never candidates.
 */
export function byDeletionPriority<Room extends DeletionRoom>(
  rooms: readonly Room[],
  context: DeletionContext,
): Room[] {
  return rooms
    .filter((room) => !room.isValidationRoom && room.status !== RoomStatus.TERMINATING)
    .map((room) => ({ room, rank: rank(room, context) }))
    .sort((a, b) => compareRanks(a.rank, b.rank) || a.room.id.localeCompare(b.room.id))
    .map(({ room }) => room);
}
