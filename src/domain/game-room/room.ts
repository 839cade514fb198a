/**
 * A game room as maestro keeps it: the room's own reports (ping status, metadata, running
 * matches) beside the runtime's view of it (its instance), and the status composed from both.
 */
import type { JsonObject } from '../scheduler/scheduler';
import type { GameRoomInstance } from './instance';
import type { PingStatus, RoomStatus } from './status';

export interface GameRoom {
  /** The room id, which is also the pod or process name. */
  id: string;
  scheduler: string;
  /** The scheduler version the room was created from. */
  version: string;
  status: RoomStatus;
  /** What the room last reported; `unknown` before its first ping. */
  pingStatus: PingStatus;
  /** The metadata of the room's last ping. */
  metadata: JsonObject;
  /** Matches running in the room, as last reported. */
  runningMatches: number;
  /** A room that proves a new major version; never forwarded, never allocated. */
  isValidationRoom: boolean;
  createdAt: Date;
  /** The server's time of the last ping (the creation time before the first one). */
  lastPingAt: Date;
  /** Set while the room is allocated. */
  allocatedAt?: Date;
  /** The runtime's view of the room; absent until the runtime reports it. */
  instance?: GameRoomInstance;
}

/** What creating a room records before its instance exists. */
export interface NewGameRoom {
  id: string;
  scheduler: string;
  version: string;
  isValidationRoom?: boolean;
}

/** The player events rooms report (Maestro's names, as sent on the wire). */
export const PlayerEventType = {
  JOIN: 'playerJoin',
  LEFT: 'playerLeft',
} as const;
export type PlayerEventType = (typeof PlayerEventType)[keyof typeof PlayerEventType];

export const PLAYER_EVENT_TYPES = Object.values(PlayerEventType);

/** The player event spelled `text`, or undefined. */
export function parsePlayerEventType(text: string): PlayerEventType | undefined {
  return PLAYER_EVENT_TYPES.find((type) => type === text);
}
