import type { Logger } from 'pino';
import { sleep } from '../shared/sleep';
import type { InstanceStatus } from '../domain/game-room/instance';
import type { RoomStatus } from '../domain/game-room/status';
import {
  isStuckTerminating,
  sizeOf,
  withGracePeriod,
  type HealthTimeouts,
} from '../domain/health/health-plan';
import type { Scheduler } from '../domain/scheduler/scheduler';
import type { AutoscalerState } from '../ports/autoscaler-state';
import type { RoomStore } from '../ports/room-store';
import { readAutoscalerInputs } from './autoscaler-inputs';
import type { SchedulerCache } from '../ports/scheduler-cache';
import type { SupervisedWorkOutcome } from './supervised-work';

/** One scheduler's gauges at one moment (Maestro's metrics reporter). */
export interface SchedulerMetricsSnapshot {
  scheduler: string;
  game: string;
  rooms: Record<RoomStatus, number>;
  /** Rooms by their runtime instance's status; `unknown` when none is reported yet. */
  instances: Record<InstanceStatus, number>;
  runningMatches: number;
  maxMatches: number;
  readyTarget: number;
  fixedBuffer: number;
  desiredRooms: number;
  currentRooms: number;
  /**
   * Rooms terminating, silent, for longer than the deletion timeout (and the grace period): the
   * health controller force-deletes them (Maestro's `rooms_with_termination_timeout`).
   */
  roomsWithTerminationTimeout: number;
  /** Rooms that reported `terminated` and are not removed yet (`rooms_properly_terminated`). */
  roomsProperlyTerminated: number;
}

/** Where the snapshots go (Prometheus gauges on the reporter's `/metrics`). */
export interface SchedulerGauges {
  report(snapshot: SchedulerMetricsSnapshot): void;
  /** Drops every series of the scheduler. */
  remove(scheduler: string, game: string): void;
}

export interface SchedulerMetricsDeps {
  schedulers: SchedulerCache;
  rooms: RoomStore;
  /** The autoscaler's memory (its desired rooms depend on it); absent: rooms alone. */
  autoscaler?: AutoscalerState;
  /** The clock of autoscaling schedules and idle times (tests move it); default: real time. */
  autoscalingClock?: () => Date;
  gauges: SchedulerGauges;
  timeouts: HealthTimeouts;
  intervalMs: number;
  log: Logger;
}

/**
 * The snapshot of `scheduler` from its room counts, kept incrementally in room storage, and the
 * few rooms that may have expired (starting for longer than the initialization timeout, silent
 * for longer than the ping or the deletion timeout): its cost does not grow with the scheduler's
 * rooms. Same figures as counting every room and planning (`planHealth`) on them.
 */
export async function snapshotOf(
  scheduler: Scheduler,
  rooms: RoomStore,
  timeouts: HealthTimeouts,
  now = new Date(),
  autoscaling?: { state: AutoscalerState; at?: Date },
): Promise<SchedulerMetricsSnapshot> {
  const tally = await rooms.tallyRooms(scheduler.name);
  const own = withGracePeriod(timeouts, scheduler);
  const candidates = await rooms.listExpiryCandidates(scheduler.name, {
    now,
    // Silent terminating rooms too (the deletion timeout may be the shorter).
    pingTimeoutMs: Math.min(timeouts.pingTimeoutMs, own.deletionTimeoutMs),
    initializationTimeoutMs: timeouts.initializationTimeoutMs,
  });
  const reading = autoscaling
    ? await readAutoscalerInputs(autoscaling.state, scheduler, tally.statuses, now, {
        recordsActivity: false,
        at: autoscaling.at,
      })
    : undefined;
  const size = sizeOf(scheduler, tally, candidates, timeouts, now, reading?.inputs);
  const stuck = new Set(
    candidates
      .filter((room) => !room.isValidationRoom && isStuckTerminating(room, own, now))
      .map((room) => room.id),
  );
  const parameters = scheduler.autoscaling?.policy.parameters;
  return {
    scheduler: scheduler.name,
    game: scheduler.game,
    rooms: { ...tally.statuses },
    instances: { ...tally.instances },
    runningMatches: tally.runningMatches,
    maxMatches: scheduler.matchAllocation.maxMatches,
    readyTarget: parameters?.roomOccupancy?.readyTarget ?? 0,
    fixedBuffer: parameters?.fixedBuffer?.amount ?? 0,
    desiredRooms: size.desired,
    currentRooms: size.available,
    roomsWithTerminationTimeout: stuck.size,
    roomsProperlyTerminated: tally.statuses.terminated,
  };
}

/**
 * Refreshes one scheduler's gauges every interval until stopped or the scheduler is gone; its
 * series are removed when it stops (another run, maybe in another process, reports them next).
 */
export class SchedulerMetricsReporter {
  constructor(
    private readonly deps: SchedulerMetricsDeps,
    private readonly schedulerName: string,
  ) {}

  async run(signal: AbortSignal): Promise<SupervisedWorkOutcome> {
    let game: string | undefined;
    try {
      while (!signal.aborted) {
        const scheduler = await this.deps.schedulers.get(this.schedulerName);
        if (!scheduler) return 'scheduler_deleted';
        game = scheduler.game;
        try {
          const { rooms, timeouts, autoscaler, autoscalingClock } = this.deps;
          const autoscaling = autoscaler && { state: autoscaler, at: autoscalingClock?.() };
          this.deps.gauges.report(
            await snapshotOf(scheduler, rooms, timeouts, new Date(), autoscaling),
          );
        } catch (error) {
          this.deps.log.warn(
            { err: error, scheduler: this.schedulerName },
            'metrics not refreshed',
          );
        }
        await sleep(this.deps.intervalMs, signal);
      }
      return 'stopped';
    } finally {
      if (game !== undefined) this.deps.gauges.remove(this.schedulerName, game);
    }
  }
}
