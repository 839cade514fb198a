import type { GameRoomInstance, InstanceStatus } from '../domain/game-room/instance';
import type { GameRoom, NewGameRoom } from '../domain/game-room/room';
import type { ReportedPingStatus, RoomStatus } from '../domain/game-room/status';
import type { JsonObject } from '../domain/scheduler/scheduler';
import type { RoomCounter } from './room-counter';

/** A room's status report, as the Rooms API received it. */
export interface PingReport {
  scheduler: string;
  roomId: string;
  pingStatus: ReportedPingStatus;
  metadata: JsonObject;
  /** Already adjusted (an `occupied` room counts at least one match). */
  runningMatches: number;
  /** The scheduler's `matchAllocation.maxMatches`. */
  maxMatches: number;
}

/** What forwarding needs to know about a room, returned by the writes that trigger events. */
export interface RoomSnapshot {
  isValidationRoom: boolean;
  instance?: GameRoomInstance;
}

/** A status recomputation: the status before and after (equal when nothing changed). */
export interface StatusChange {
  previous: RoomStatus;
  status: RoomStatus;
}

export type PingResult =
  | ({ outcome: 'recorded'; room: RoomSnapshot } & StatusChange)
  /** No such room (never created, or removed): nothing was written. */
  | { outcome: 'room_not_found' }
  /** The report would move the room along a forbidden transition: nothing was written. */
  | { outcome: 'invalid_transition'; from: RoomStatus; to: RoomStatus };

export type InstanceUpdateResult =
  | ({
      outcome: 'recorded';
      room: RoomSnapshot;
      /** Set when the recomputed status was a forbidden transition and was not applied. */
      rejectedStatus?: RoomStatus;
    } & StatusChange)
  | { outcome: 'room_not_found' };

/**
 * What the health plan and the metrics need to know about a room, kept per scheduler in an index
 * written atomically with every change of the room (no metadata, no instance address).
 */
export interface RoomSummary extends Pick<
  GameRoom,
  'id' | 'status' | 'version' | 'runningMatches' | 'isValidationRoom' | 'createdAt' | 'lastPingAt'
> {
  /** The runtime instance's status; `unknown` until the runtime reports it. */
  instanceStatus: InstanceStatus;
}

/**
 * A scheduler's rooms tallied, kept up to date with every write (reading it costs the same for 10
 * rooms or 100,000). Validation rooms are counted in `statuses` and `runningMatches` (as the
 * metrics report them) and again apart, so what counts toward the scheduler's size can be derived.
 */
export interface RoomTally {
  /** Rooms per status (validation rooms included). */
  statuses: Record<RoomStatus, number>;
  /** Validation rooms per status. */
  validationStatuses: Record<RoomStatus, number>;
  /** Rooms by their instance's status (`unknown` when none is reported yet). */
  instances: Record<InstanceStatus, number>;
  /** Σ running matches the rooms last reported (validation rooms included). */
  runningMatches: number;
  /** Σ running matches of the validation rooms. */
  validationRunningMatches: number;
  /** The scheduler's room change counter (see `RoomStore.roomChanges`). */
  changes: number;
}

/** A room handed to a matchmaker. */
export interface Allocation {
  roomId: string;
  /** The room's instance (host and ports), when the runtime has reported it. */
  instance?: GameRoomInstance;
}

/**
 * Rooms' state (Redis in production): what each room reports, what the runtime reports about it,
 * and the status composed from both (see `domain/game-room/status.ts`). Every status change goes
 * through `calculateRoomStatus` and `isValidTransition` atomically with the write that causes it,
 * so concurrent pings, instance updates and allocations never interleave. Times come from the
 * store's clock, never from clients. Connection failures propagate as they are.
 */
export interface RoomStore extends RoomCounter {
  /**
   * Registers a room about to be created, before its instance exists: status `pending`, ping
   * status `unknown`, last ping = now. Idempotent: returns false, changing nothing, when the room
   * exists. Call it before asking the runtime for the room, so the room's first ping finds it.
   */
  createRoom(room: NewGameRoom): Promise<boolean>;

  /** The room, or undefined when it does not exist. */
  getRoom(scheduler: string, roomId: string): Promise<GameRoom | undefined>;

  /**
   * Applies a ping: stores ping status, metadata and running matches, sets the last ping to now and
   * recomputes the status, all or nothing. Never creates a room (a ping for a removed room changes
   * nothing). A room whose instance is not reported yet stays `pending`.
   */
  ping(report: PingReport): Promise<PingResult>;

  /**
   * Stores the runtime's view of the room and recomputes its status (the runtime watcher calls it
   * on every added/updated event). The instance is always stored; a forbidden status transition is
   * not applied and is reported in `rejectedStatus`. A room that does not exist is not created.
   */
  updateInstance(
    instance: GameRoomInstance,
    options: { maxMatches: number },
  ): Promise<InstanceUpdateResult>;

  /**
   * Sets the status to `terminating` whatever it was (maestro asked the runtime to delete the
   * room). Returns the room as it was, or undefined when it does not exist.
   */
  markTerminating(scheduler: string, roomId: string): Promise<GameRoom | undefined>;

  /** Drops every trace of the room; returns it as it was, or undefined when it did not exist. */
  removeRoom(scheduler: string, roomId: string): Promise<GameRoom | undefined>;

  /**
   * Atomically takes one `ready` room (lexicographically first id, validation rooms excluded) and
   * marks it `allocated` until it reports occupied or the allocation TTL passes. Allocated rooms
   * whose TTL has passed are returned to `ready` first. Undefined when no room is ready.
   */
  allocate(scheduler: string, options: { maxMatches: number }): Promise<Allocation | undefined>;

  /**
   * Every room of the scheduler, whole (the runtime watcher's resync, picking rooms to remove):
   * one read per room, so the health check and the metrics use the index instead
   * (`listRoomSummaries`, `tallyRooms`). Not a snapshot: rooms change while it reads, and rooms
   * removed meanwhile are left out.
   */
  listRooms(scheduler: string): Promise<GameRoom[]>;

  /**
   * Every room of the scheduler as the health plan sees it, from the scheduler's room index (one
   * read of one key, in no particular order): what `listRooms` returns without metadata and
   * instance, much cheaper. An index missing (rooms written before it existed, or its keys lost)
   * is rebuilt from the rooms first, atomically.
   */
  listRoomSummaries(scheduler: string): Promise<RoomSummary[]>;

  /**
   * The rooms that may be expired at `now`: every pending or unready room created more than
   * `initializationTimeoutMs` ago, and every room last pinged more than `pingTimeoutMs` ago (from
   * the index's starting set and the ping set). Costs what those rooms are, not what the
   * scheduler has.
   */
  listExpiryCandidates(
    scheduler: string,
    options: { now: Date; pingTimeoutMs: number; initializationTimeoutMs: number },
  ): Promise<RoomSummary[]>;

  /** The scheduler's rooms tallied (see `RoomTally`), from the index: O(1) in rooms. */
  tallyRooms(scheduler: string): Promise<RoomTally>;

  /**
   * The scheduler's room change counter: grows with every room created or removed and every
   * change of a room's status, version, running matches or instance status, in the same atomic
   * write. A ping that changes nothing but the last ping time does not count, so an unchanged
   * counter means the same rooms in the same state; only time (expiry by ping or creation time)
   * can change the health plan then. It never goes back (a rebuilt index keeps it growing); it
   * may skip values.
   */
  roomChanges(scheduler: string): Promise<number>;

  /** Ids of every room of the scheduler. */
  listRoomIds(scheduler: string): Promise<string[]>;

  /** Ids of the scheduler's rooms in `status`. */
  listRoomIdsByStatus(scheduler: string, status: RoomStatus): Promise<string[]>;

  /** Ids of the scheduler's rooms whose last ping (or creation) is older than `before`. */
  listRoomIdsPingedBefore(scheduler: string, before: Date): Promise<string[]>;

  /** How many of the scheduler's rooms are in each status (zero for the absent ones). */
  countRooms(scheduler: string): Promise<Record<RoomStatus, number>>;

  /** The sum of the running matches the scheduler's rooms last reported. */
  sumRunningMatches(scheduler: string): Promise<number>;
}
