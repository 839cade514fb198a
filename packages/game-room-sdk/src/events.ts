import type { RoomStatus } from '@maestro/rooms-client';

/** What one ping came to. */
export interface PingReport {
  status: RoomStatus;
  runningMatches: number;
  /** True when the Rooms API recorded it; false when it refused it or did not answer. */
  isRecorded: boolean;
  /** Why it failed, when the API did not answer or answered an error. */
  error?: unknown;
}

/** The failure of a ping, with what happens next. */
export interface PingFailure {
  status: RoomStatus;
  consecutiveFailures: number;
  /** When the next ping goes (backoff); undefined once the room stopped. */
  retryInMs?: number;
}

/** The events a `GameRoom` emits. */
export interface GameRoomEvents {
  /** After every ping, whatever it came to. */
  ping: [report: PingReport];
  /** A ping got no answer or an error answer; the room retries with backoff. */
  pingFailed: [error: unknown, failure: PingFailure];
  /** The API answered `success: false`: unknown room or scheduler, or a forbidden transition. */
  pingRefused: [report: PingReport];
  /** A handled signal arrived (before the shutdown starts). */
  signal: [signal: NodeJS.Signals];
  /** The shutdown started (`reason`: the signal, or what `shutdown()` was given). */
  shutdown: [reason: string];
}
