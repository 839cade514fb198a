/**
 * A game room's status: what the room reports (its ping status) composed with what the runtime
 * reports (its instance status), adjusted for multi-match rooms and allocation, and moved only
 * along the allowed transitions. Maestro v1's tables (`entities/game_room`, `services/rooms`),
 * shared verbatim by the TypeScript code and the Redis scripts, which are generated from them.
 */
import type { InstanceStatus } from './instance';

/** The status maestro keeps for a room (the score of the scheduler's status set in Redis). */
export const RoomStatus = {
  PENDING: 'pending',
  UNREADY: 'unready',
  READY: 'ready',
  OCCUPIED: 'occupied',
  TERMINATING: 'terminating',
  ERROR: 'error',
  TERMINATED: 'terminated',
  /** A multi-match room with some, but not all, matches running. */
  ACTIVE: 'active',
  /** Handed to a matchmaker and not reported occupied yet. */
  ALLOCATED: 'allocated',
} as const;
export type RoomStatus = (typeof RoomStatus)[keyof typeof RoomStatus];

/** Maestro's numeric codes of the room statuses, as stored in Redis. */
export const ROOM_STATUS_CODES: Readonly<Record<RoomStatus, number>> = {
  pending: 0,
  unready: 1,
  ready: 2,
  occupied: 3,
  terminating: 4,
  error: 5,
  terminated: 6,
  active: 7,
  allocated: 8,
};

export const ROOM_STATUSES = Object.values(RoomStatus);

/** The room status of a stored code, or undefined for a code maestro never writes. */
export function roomStatusOfCode(code: number): RoomStatus | undefined {
  return ROOM_STATUSES.find((status) => ROOM_STATUS_CODES[status] === code);
}

/** What a room says about itself in its pings; `unknown` until its first ping. */
export const PingStatus = {
  UNKNOWN: 'unknown',
  READY: 'ready',
  OCCUPIED: 'occupied',
  TERMINATING: 'terminating',
  TERMINATED: 'terminated',
} as const;
export type PingStatus = (typeof PingStatus)[keyof typeof PingStatus];

/** The ping statuses a room may send (everything but `unknown`), exactly as Maestro accepts them. */
export const REPORTED_PING_STATUSES = [
  PingStatus.READY,
  PingStatus.OCCUPIED,
  PingStatus.TERMINATING,
  PingStatus.TERMINATED,
] as const;
export type ReportedPingStatus = (typeof REPORTED_PING_STATUSES)[number];

/** The reported ping status spelled `text` (case-sensitive, as Maestro), or undefined. */
export function parseReportedPingStatus(text: string): ReportedPingStatus | undefined {
  return REPORTED_PING_STATUSES.find((status) => status === text);
}

const { PENDING, UNREADY, READY, OCCUPIED, TERMINATING, ERROR, TERMINATED, ACTIVE, ALLOCATED } =
  RoomStatus;

/**
 * Maestro's `roomStatusComposition`: rows are ping statuses, columns instance statuses. A runtime
 * error wins over anything the room says; a room that reports terminating/terminated is so
 * whatever its instance says; otherwise the room is ready or occupied only once its instance is.
 */
export const STATUS_COMPOSITION: Readonly<
  Record<PingStatus, Readonly<Record<InstanceStatus, RoomStatus>>>
> = {
  unknown: {
    unknown: PENDING,
    pending: PENDING,
    ready: UNREADY,
    terminating: TERMINATING,
    error: ERROR,
  },
  ready: {
    unknown: PENDING,
    pending: PENDING,
    ready: READY,
    terminating: TERMINATING,
    error: ERROR,
  },
  occupied: {
    unknown: PENDING,
    pending: PENDING,
    ready: OCCUPIED,
    terminating: TERMINATING,
    error: ERROR,
  },
  terminating: {
    unknown: TERMINATING,
    pending: TERMINATING,
    ready: TERMINATING,
    terminating: TERMINATING,
    error: ERROR,
  },
  terminated: {
    unknown: TERMINATED,
    pending: TERMINATED,
    ready: TERMINATED,
    terminating: TERMINATED,
    error: ERROR,
  },
};

/**
 * Maestro's `validStatusTransitions`: the statuses a room may move to from each status. Moving to
 * the same status is always a no-op, never a transition; `terminated` is final.
 */
export const VALID_TRANSITIONS: Readonly<Record<RoomStatus, readonly RoomStatus[]>> = {
  pending: [READY, TERMINATING, UNREADY, ERROR, OCCUPIED],
  ready: [OCCUPIED, ALLOCATED, TERMINATING, UNREADY, ERROR, ACTIVE],
  unready: [TERMINATING, OCCUPIED, READY, ERROR, PENDING, ACTIVE],
  active: [READY, OCCUPIED, TERMINATING, UNREADY, ERROR],
  occupied: [READY, TERMINATING, UNREADY, ERROR, ACTIVE],
  allocated: [ACTIVE, OCCUPIED, READY, TERMINATING, UNREADY, ERROR],
  error: [TERMINATING, UNREADY, READY],
  terminating: [ERROR, UNREADY, READY, TERMINATED],
  terminated: [],
};

/** True when a room in status `from` may move to `to` (staying put always may). */
export function isValidTransition(from: RoomStatus, to: RoomStatus): boolean {
  return from === to || VALID_TRANSITIONS[from].includes(to);
}

/** Everything the status of a room depends on. */
export interface StatusInputs {
  pingStatus: PingStatus;
  /** `unknown` while the runtime has not reported the room's instance. */
  instanceStatus: InstanceStatus;
  /** The status the room has now. */
  current: RoomStatus;
  /** Matches running in the room, as last reported. */
  runningMatches: number;
  /** The scheduler's `matchAllocation.maxMatches`. */
  maxMatches: number;
  /** When the room was allocated (ms since the epoch), if it is. */
  allocatedAt?: number;
  /** Now (ms since the epoch), by the server's clock. */
  now: number;
  /** How long an allocated room is held back from `ready` (Maestro's roomAllocationTTLMillis). */
  allocationTtlMs: number;
}

/**
 * The status a room should have, in three steps: compose ping × instance status; for a
 * multi-match scheduler turn a composed ready/occupied into ready (no match), occupied (every
 * match) or active (some); and keep an allocated room allocated, instead of ready, until the
 * allocation TTL expires. The result may not be a valid transition from `current` (see
 * {@link isValidTransition}).
 */
export function calculateRoomStatus(inputs: StatusInputs): RoomStatus {
  let status = STATUS_COMPOSITION[inputs.pingStatus][inputs.instanceStatus];
  if (inputs.maxMatches > 1 && (status === READY || status === OCCUPIED)) {
    status = multiMatchStatus(inputs.runningMatches, inputs.maxMatches);
  }
  if (status === READY && isAllocationHeld(inputs)) return ALLOCATED;
  return status;
}

function multiMatchStatus(runningMatches: number, maxMatches: number): RoomStatus {
  if (runningMatches < 1) return READY;
  if (runningMatches >= maxMatches) return OCCUPIED;
  return ACTIVE;
}

function isAllocationHeld(inputs: StatusInputs): boolean {
  return (
    inputs.current === ALLOCATED &&
    inputs.allocatedAt !== undefined &&
    inputs.now - inputs.allocatedAt <= inputs.allocationTtlMs
  );
}

/**
 * The running matches a ping counts for: Maestro counts an `occupied` room reporting no match as
 * running one.
 */
export function effectiveRunningMatches(pingStatus: PingStatus, runningMatches: number): number {
  return pingStatus === PingStatus.OCCUPIED && runningMatches < 1 ? 1 : runningMatches;
}
