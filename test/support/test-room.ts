/** Game rooms as the room store returns them, for tests of the pure health-control rules. */
import type { GameRoom } from '../../src/domain/game-room/room';
import { RoomStatus } from '../../src/domain/game-room/status';

/** The clock of the health tests: rooms are created and ping at this instant unless told. */
export const NOW = new Date('2024-05-01T12:00:00.000Z');

/** `ms` before {@link NOW}. */
export const msAgo = (ms: number): Date => new Date(NOW.getTime() - ms);

/** A ready room of `v1.0.0` that was created and last pinged at {@link NOW}. */
export function testRoom(id: string, overrides: Partial<GameRoom> = {}): GameRoom {
  return {
    id,
    scheduler: 'tennis',
    version: 'v1.0.0',
    status: RoomStatus.READY,
    pingStatus: 'ready',
    metadata: {},
    runningMatches: 0,
    isValidationRoom: false,
    createdAt: NOW,
    lastPingAt: NOW,
    ...overrides,
  };
}

/** `count` rooms named `<prefix>-<i>` sharing `overrides`. */
export function testRooms(
  prefix: string,
  count: number,
  overrides: Partial<GameRoom> = {},
): GameRoom[] {
  return Array.from({ length: count }, (_, i) => testRoom(`${prefix}-${i}`, overrides));
}
