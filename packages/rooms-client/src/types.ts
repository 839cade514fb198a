import type { JsonObject } from '@bufbuild/protobuf';

/** What a room reports in a ping or status report: Maestro's four values. */
export const RoomStatus = {
  READY: 'ready',
  OCCUPIED: 'occupied',
  TERMINATING: 'terminating',
  TERMINATED: 'terminated',
} as const;
export type RoomStatus = (typeof RoomStatus)[keyof typeof RoomStatus];

/** Free-form attributes stored with the room and forwarded with its events. */
export type RoomMetadata = JsonObject;

/** A status report (`PUT /scheduler/{s}/rooms/{r}/ping` or `…/status`). */
export interface RoomReport {
  status: RoomStatus;
  /** Matches running in the room (multi-match schedulers); default 0. */
  runningMatches?: number;
  metadata?: RoomMetadata;
  /** Unix seconds; default now. */
  timestamp?: number;
}

/** A room event to forward to the scheduler's forwarders (`…/roomevent`). */
export interface RoomEvent {
  /** Free-form name. */
  event: string;
  metadata?: RoomMetadata;
  /** Unix seconds; default now. */
  timestamp?: number;
}

/** The player events Maestro forwards. */
export const PlayerEventType = { JOIN: 'playerJoin', LEFT: 'playerLeft' } as const;
export type PlayerEventType = (typeof PlayerEventType)[keyof typeof PlayerEventType];

/** A player event to forward (`…/playerevent`); `playerId` goes into the metadata. */
export interface PlayerEvent {
  event: PlayerEventType;
  playerId: string;
  metadata?: RoomMetadata;
  /** Unix seconds; default now. */
  timestamp?: number;
}

/** What forwarding answered: `success` false with the forwarder's `message` when it failed. */
export interface ForwardResult {
  success: boolean;
  message: string;
}

export interface RoomPort {
  name: string;
  /** `TCP` or `UDP`, as the scheduler names it. */
  protocol: string;
  port: number;
}

/** Where players reach a room. */
export interface RoomAddress {
  host: string;
  ports: RoomPort[];
}

/** A room handed to a matchmaker. */
export interface AllocatedRoom extends RoomAddress {
  roomId: string;
}
