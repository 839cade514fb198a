/**
 * The health controller's decision for one scheduler (Maestro's `healthcontroller` executor, with
 * its documented intent where the code falls short): which rooms have expired, how many rooms the
 * scheduler should have, and how a rolling update to a new major version proceeds. Pure: the
 * caller reads the rooms and the scheduler, then acts on the plan.
 */
import type { GameRoom } from '../game-room/room';
import { ROOM_STATUSES, RoomStatus } from '../game-room/status';
import type { Scheduler } from '../scheduler/scheduler';
import { isOtherMajor } from '../scheduler/versioning';
import { decideAutoscaling, type AutoscalingSignals } from '../autoscaling/decide';
import { clamp, isCooledDown } from './autoscaling';
import { byDeletionPriority, IN_USE_STATUSES } from './deletion-priority';

/** What the plan looks at in a room (a `GameRoom` has it all, so does a room summary). */
export type HealthRoom = Pick<
  GameRoom,
  'id' | 'status' | 'version' | 'runningMatches' | 'isValidationRoom' | 'createdAt' | 'lastPingAt'
>;

/** When a room is given up on (Maestro's roomManager timeouts). */
export interface HealthTimeouts {
  /** Ready, occupied, active or allocated rooms must ping within this. */
  pingTimeoutMs: number;
  /** Pending and unready rooms must become ready within this after creation. */
  initializationTimeoutMs: number;
  /**
   * Terminating rooms must be gone within this after their last ping (see `withGracePeriod`: never
   * before the scheduler's grace period is over).
   */
  deletionTimeoutMs: number;
}

/**
 * The timeouts for the rooms of `scheduler`: a terminating room has at least its grace period to
 * go (the deletion timeout is global, grace periods are per scheduler).
 */
export function withGracePeriod(timeouts: HealthTimeouts, scheduler: Scheduler): HealthTimeouts {
  const deletionTimeoutMs = Math.max(
    timeouts.deletionTimeoutMs,
    scheduler.spec.terminationGracePeriodMs,
  );
  return { ...timeouts, deletionTimeoutMs };
}

export interface HealthPlan {
  /** Rooms to remove now (`expired_room`). */
  expired: string[];
  /** Rooms that count toward the scheduler's size (neither expired nor on their way out). */
  available: number;
  /** The target: `roomsReplicas`, or the autoscaler's clamped result. */
  desired: number;
  /** Some available room runs another major version than the active one. */
  isRollingUpdate: boolean;
  /** Rooms to create. */
  add: number;
  /** Free rooms of an old major version to replace now (`rolling_update_replace`). */
  replace: string[];
  /** Rooms to remove by deletion priority (`scale_down`). */
  scaleDown: number;
  /** The scale-down is the autoscaler's: its time starts the cooldown. */
  isAutoscalerDownscale: boolean;
  /** Who set `desired` and why, when autoscaling is enabled (the operation history shows it). */
  autoscaler?: { source: string; reason: string };
}

/** What the autoscaler knows besides the rooms (see `AutoscalingSignals`). */
export type AutoscalerInputs = Pick<AutoscalingSignals, 'webhook' | 'lastActiveAt' | 'waiters'> & {
  /** The autoscaler's instant (the autoscaling clock); default: the plan's `now`. */
  at?: Date;
};

/** Statuses of rooms that count toward the scheduler's size unless expired. */
const AVAILABLE_STATUSES: readonly RoomStatus[] = [
  RoomStatus.PENDING,
  RoomStatus.UNREADY,
  RoomStatus.READY,
  RoomStatus.ACTIVE,
  RoomStatus.ALLOCATED,
  RoomStatus.OCCUPIED,
];

const STARTING_STATUSES: readonly RoomStatus[] = [RoomStatus.PENDING, RoomStatus.UNREADY];

/** Whether the room has failed or stopped answering for too long. */
export function isExpired(room: HealthRoom, timeouts: HealthTimeouts, now: Date): boolean {
  const sincePing = now.getTime() - room.lastPingAt.getTime();
  switch (room.status) {
    case RoomStatus.TERMINATED:
    case RoomStatus.ERROR:
      return true;
    case RoomStatus.TERMINATING:
      return sincePing > timeouts.deletionTimeoutMs;
    case RoomStatus.PENDING:
    case RoomStatus.UNREADY:
      return now.getTime() - room.createdAt.getTime() > timeouts.initializationTimeoutMs;
    default:
      return sincePing > timeouts.pingTimeoutMs;
  }
}

/**
 * Whether the room has been terminating, silent, longer than the deletion timeout (and, with
 * `withGracePeriod`, its grace period): its graceful stop is not going to finish (a pod on a node
 * that no longer answers, a process the runtime cannot stop), so deleting it again must skip the
 * grace period.
 */
export function isStuckTerminating(room: HealthRoom, timeouts: HealthTimeouts, now: Date): boolean {
  return room.status === RoomStatus.TERMINATING && isExpired(room, timeouts, now);
}

/** Rooms a rolling update may add on top of `desired`: `"3"` or `"25%"` of it, at least one. */
export function surgeOf(maxSurge: string, desired: number): number {
  const percent = /^(-?\d+)%$/.exec(maxSurge);
  const surge = percent ? Math.ceil((Number(percent[1]) / 100) * desired) : Number(maxSurge);
  return Number.isFinite(surge) && surge > 0 ? surge : 1;
}

/** Rooms counting toward the scheduler's size (expired ones included) among `counts`. */
export function availableOf(counts: Readonly<Record<RoomStatus, number>>): number {
  return AVAILABLE_STATUSES.reduce((sum, status) => sum + counts[status], 0);
}

/** The count of each status among `rooms`. */
export function countByStatus(
  rooms: readonly Pick<GameRoom, 'status'>[],
): Record<RoomStatus, number> {
  const counts = Object.fromEntries(ROOM_STATUSES.map((s) => [s, 0])) as Record<RoomStatus, number>;
  for (const room of rooms) counts[room.status] += 1;
  return counts;
}

/** The rooms' target count (before any rolling-update surge) at `now`. */
export function desiredRooms(
  scheduler: Scheduler,
  rooms: readonly HealthRoom[],
  now: Date,
  inputs: AutoscalerInputs = {},
) {
  const occupancy = {
    counts: countByStatus(rooms),
    runningMatches: rooms.reduce((sum, room) => sum + room.runningMatches, 0),
  };
  return desiredFromCounts(scheduler, occupancy, now, inputs);
}

/** `desiredRooms` from the counts and the running matches of the non-validation rooms. */
function desiredFromCounts(
  scheduler: Scheduler,
  occupancy: { counts: Readonly<Record<RoomStatus, number>>; runningMatches: number },
  now: Date,
  inputs: AutoscalerInputs,
): { desired: number; canDownscale: boolean; autoscaler?: HealthPlan['autoscaler'] } {
  const { autoscaling } = scheduler;
  if (!autoscaling?.enabled) return { desired: scheduler.roomsReplicas, canDownscale: true };
  const current = availableOf(occupancy.counts);
  const { source, reason, ...decision } = decideAutoscaling(
    autoscaling,
    { ...occupancy, maxMatches: scheduler.matchAllocation.maxMatches },
    { ...inputs, now: inputs.at ?? now, current },
  );
  return { ...decision, autoscaler: { source, reason } };
}

/** A scheduler's rooms tallied, validation rooms counted within and apart (see `sizeOf`). */
export interface RoomCounts {
  /** Rooms per status, validation rooms included. */
  statuses: Readonly<Record<RoomStatus, number>>;
  /** Validation rooms per status. */
  validationStatuses: Readonly<Record<RoomStatus, number>>;
  /** Σ running matches, validation rooms included. */
  runningMatches: number;
  /** Σ running matches of the validation rooms. */
  validationRunningMatches: number;
}

/**
 * The plan's `desired` and `available` (what the metrics report as desired and current rooms)
 * from counts kept incrementally instead of every room: `candidates` must hold at least every
 * room that may be expired among the available ones (every pending and unready room created more
 * than `initializationTimeoutMs` ago, and every room last pinged more than `pingTimeoutMs` ago);
 * other rooms may be in it too. Equal to
 * `planHealth`'s on the same rooms.
 */
export function sizeOf(
  scheduler: Scheduler,
  counts: RoomCounts,
  candidates: readonly HealthRoom[],
  schedulerTimeouts: HealthTimeouts,
  now: Date,
  inputs: AutoscalerInputs = {},
): { desired: number; available: number } {
  const timeouts = withGracePeriod(schedulerTimeouts, scheduler);
  const own = Object.fromEntries(
    ROOM_STATUSES.map((s) => [s, counts.statuses[s] - counts.validationStatuses[s]]),
  ) as Record<RoomStatus, number>;
  const { desired } = desiredFromCounts(
    scheduler,
    {
      counts: own,
      runningMatches: counts.runningMatches - counts.validationRunningMatches,
    },
    now,
    inputs,
  );
  const seen = new Set<string>();
  let expiredAvailable = 0;
  for (const room of candidates) {
    if (room.isValidationRoom || seen.has(room.id)) continue;
    seen.add(room.id);
    if (AVAILABLE_STATUSES.includes(room.status) && isExpired(room, timeouts, now)) {
      expiredAvailable += 1;
    }
  }
  const available = availableOf(own);
  return { desired, available: available - expiredAvailable };
}

export function planHealth(
  scheduler: Scheduler,
  allRooms: readonly HealthRoom[],
  schedulerTimeouts: HealthTimeouts,
  now: Date,
  inputs: AutoscalerInputs = {},
): HealthPlan {
  const timeouts = withGracePeriod(schedulerTimeouts, scheduler);
  const activeVersion = scheduler.spec.version;
  // Validation rooms belong to their operation, which removes them.
  const rooms = allRooms.filter((room) => !room.isValidationRoom);
  const expired = rooms.filter((room) => isExpired(room, timeouts, now));
  const expiredIds = new Set(expired.map((room) => room.id));
  const available = rooms.filter(
    (room) => AVAILABLE_STATUSES.includes(room.status) && !expiredIds.has(room.id),
  );
  const { desired, canDownscale, autoscaler } = desiredRooms(scheduler, rooms, now, inputs);
  const plan: HealthPlan = {
    expired: expired.map((room) => room.id),
    available: available.length,
    desired,
    isRollingUpdate: false,
    add: 0,
    replace: [],
    scaleDown: 0,
    isAutoscalerDownscale: false,
    ...(autoscaler && { autoscaler }),
  };

  const old = available.filter((room) => isOtherMajor(room.version, activeVersion));
  if (old.length > 0) {
    // Surge over the target, and retire free old rooms only as new ones are ready to take over;
    // old rooms in use are left to finish (they stay until they are free).
    const surge = surgeOf(scheduler.maxSurge, desired);
    const upper = scheduler.autoscaling?.enabled
      ? Math.max(desired, clamp({ min: 0, max: scheduler.autoscaling.max }, desired + surge))
      : desired + surge;
    const newStarting = available.filter(
      (room) =>
        !isOtherMajor(room.version, activeVersion) && STARTING_STATUSES.includes(room.status),
    ).length;
    const freeOld = byDeletionPriority(old, {
      activeVersion,
      now,
      pingTimeoutMs: timeouts.pingTimeoutMs,
    }).filter((room) => !IN_USE_STATUSES.includes(room.status));
    // No more new rooms than the target still lacks: the last old rooms need no full surge.
    const missingNew = desired - (available.length - old.length);
    const replaceable = Math.min(available.length - desired - newStarting, freeOld.length);
    // At the autoscaling max there is no room to surge (Maestro stalls there): once no new room
    // is starting, retire a surge's worth of free old rooms first.
    const isCapped = upper <= available.length && newStarting === 0;
    const retire = isCapped
      ? Math.max(replaceable, Math.min(surge, freeOld.length))
      : Math.max(0, replaceable);
    // The rooms retired now leave the surge at once: the next step's new rooms start in this same
    // cycle, as soon as (and as far as) the previous step's rooms are ready, not one cycle later.
    const add = Math.max(0, Math.min(upper - (available.length - retire), missingNew));
    return {
      ...plan,
      isRollingUpdate: true,
      add,
      replace: freeOld.slice(0, retire).map((room) => room.id),
    };
  }

  if (available.length < desired) return { ...plan, add: desired - available.length };
  if (available.length > desired) {
    if (!scheduler.autoscaling?.enabled) {
      return { ...plan, scaleDown: available.length - desired };
    }
    const isAllowed =
      canDownscale && isCooledDown(scheduler.autoscaling, scheduler.lastDownscaleAt, now);
    if (isAllowed) {
      return { ...plan, scaleDown: available.length - desired, isAutoscalerDownscale: true };
    }
  }
  return plan;
}

/** Whether acting on the plan changes anything. */
export const planTakesAction = (plan: HealthPlan): boolean =>
  plan.expired.length > 0 || plan.add > 0 || plan.replace.length > 0 || plan.scaleDown > 0;
