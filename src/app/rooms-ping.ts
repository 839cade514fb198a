import type { Logger } from 'pino';
import type { RoomEventKind } from '../domain/game-room/forwarding';
import { DomainError, ErrorCode } from '../domain/errors';
import { InstanceStatus } from '../domain/game-room/instance';
import {
  effectiveRunningMatches,
  PingStatus,
  type ReportedPingStatus,
} from '../domain/game-room/status';
import type { JsonObject, Scheduler } from '../domain/scheduler/scheduler';
import type { RoomsMetrics } from '../ports/forwarder';
import type { PingResult, RoomStore } from '../ports/room-store';
import type { SchedulerCache } from '../ports/scheduler-cache';
import { LogThrottle } from './log-throttle';
import type { RoomsForwarding } from './rooms-forwarding';

/** A room's status report (PUT /scheduler/{s}/rooms/{r}/ping), already validated. */
export interface PingInput {
  scheduler: string;
  roomId: string;
  pingStatus: ReportedPingStatus;
  metadata: JsonObject;
  runningMatches: number;
}

/** Why a ping was answered `success: false` (the metric's `reason` label). */
export type PingFailure =
  | 'scheduler_not_found'
  | 'scheduler_lookup_failed'
  | 'room_not_found'
  | 'invalid_transition'
  | 'storage_failed';

export interface RoomsPingDeps {
  rooms: RoomStore;
  schedulers: SchedulerCache;
  forwarding: RoomsForwarding;
  metrics: RoomsMetrics;
  log: Logger;
}

/**
 * Pings: the room's report and its status transition are one atomic write (RoomStore.ping); the
 * answer never waits for forwarding. The resync event (or `terminated`, when the room's instance
 * is terminating) is forwarded in the background, and its failures only show in metrics and logs.
 * How many wait is bounded by the forwarders' queues (RoomsForwarding), where a room's resyncs
 * coalesce.
 */
export class RoomsPing {
  private inFlight = 0;
  private readonly idleWaiters: Array<() => void> = [];
  private readonly outageLogs = new LogThrottle();

  constructor(private readonly deps: RoomsPingDeps) {}

  /**
   * True when the report was recorded, false when it was refused (unknown scheduler or room,
   * forbidden transition). Throws UNAVAILABLE when room storage cannot answer (an outage or a
   * failover) or PostgreSQL cannot give a scheduler this process never read, which the
   * transports answer 503 / UNAVAILABLE.
   */
  async ping(input: PingInput): Promise<boolean> {
    let scheduler: Scheduler | undefined;
    try {
      scheduler = await this.deps.schedulers.get(input.scheduler);
    } catch (error) {
      this.fail(input, 'scheduler_lookup_failed', error);
      // PostgreSQL unreachable on a scheduler this process never read: 503 naming it, as for Redis.
      if (error instanceof DomainError && error.code === ErrorCode.UNAVAILABLE) throw error;
      return false;
    }
    if (!scheduler) return this.fail(input, 'scheduler_not_found');
    let result: PingResult;
    try {
      result = await this.deps.rooms.ping({
        scheduler: input.scheduler,
        roomId: input.roomId,
        pingStatus: input.pingStatus,
        metadata: input.metadata,
        runningMatches: effectiveRunningMatches(input.pingStatus, input.runningMatches),
        maxMatches: scheduler.matchAllocation.maxMatches,
      });
    } catch (error) {
      this.fail(input, 'storage_failed', error);
      // Room storage unreachable (Redis down, failing over): a retryable 503, not `success: false`.
      if (error instanceof DomainError && error.code === ErrorCode.UNAVAILABLE) throw error;
      return false;
    }
    if (result.outcome !== 'recorded') return this.fail(input, result.outcome);
    if (!result.room.isValidationRoom) this.forwardInBackground(scheduler, input, result);
    return true;
  }

  /** Resolves once every background forward has finished (for shutdown). */
  drain(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private forwardInBackground(
    scheduler: Scheduler,
    input: PingInput,
    result: Extract<PingResult, { outcome: 'recorded' }>,
  ): void {
    if (!scheduler.forwarders.some((forwarder) => forwarder.enable)) return;
    this.inFlight += 1;
    const isTermination =
      result.status !== result.previous &&
      result.room.instance?.status === InstanceStatus.TERMINATING;
    const kind: RoomEventKind = isTermination
      ? { type: 'status', pingStatus: PingStatus.TERMINATED, isTermination }
      : { type: 'resync', pingStatus: input.pingStatus };
    void this.deps.forwarding
      .forwardRoomEvent(scheduler, {
        kind,
        roomId: input.roomId,
        address: result.room.instance?.address,
        metadata: input.metadata,
      })
      .then(
        (outcome) => outcome.isSuccess || this.deps.metrics.pingForwardingFailed(scheduler.name),
        (error: unknown) => {
          this.deps.metrics.pingForwardingFailed(scheduler.name);
          this.deps.log.error({ err: error, scheduler: scheduler.name }, 'ping forwarding crashed');
        },
      )
      .finally(() => this.settle());
  }

  private settle(): void {
    this.inFlight -= 1;
    if (this.inFlight === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  private fail(input: PingInput, reason: PingFailure, error?: unknown): false {
    const isKnownScheduler = reason !== 'scheduler_not_found';
    this.deps.metrics.pingFailed(isKnownScheduler ? input.scheduler : '', reason);
    const fields = { scheduler: input.scheduler, roomId: input.roomId, reason };
    if (!error) this.deps.log.debug(fields, 'ping not recorded');
    // An outage (Redis, PostgreSQL) fails every ping: one warning per reason every 10 s.
    else
      this.outageLogs.run(reason, (suppressed) =>
        this.deps.log.warn({ ...fields, err: error, suppressed }, 'ping not recorded'),
      );
    return false;
  }
}
