import { randomUUID } from 'node:crypto';
import { allocateWaitOf } from '../domain/autoscaling/allocate-wait';
import { DomainError, ErrorCode } from '../domain/errors';
import { NoReadyRoomError } from '../domain/game-room/errors';
import type { RoomAddress } from '../domain/game-room/instance';
import type { Scheduler } from '../domain/scheduler/scheduler';
import type { AllocationWaitMetrics, AllocationWaitOutcome } from '../ports/allocation-metrics';
import type { AutoscalerState } from '../ports/autoscaler-state';
import type { Runtime } from '../ports/runtime';
import type { RoomStore } from '../ports/room-store';
import type { SchedulerCache } from '../ports/scheduler-cache';
import { AllocationWaiters } from './allocation-waiters';
import type { CoalescedNudges } from './coalesced-nudges';

/** A room handed to a matchmaker, with where players reach it. */
export interface AllocatedRoom extends RoomAddress {
  roomId: string;
}

/** Wake on allocate: where waiting allocations register, and who tells the scheduler at once. */
export interface AllocationWaiting {
  autoscaler: Pick<AutoscalerState, 'addWaiter' | 'removeWaiter'>;
  nudges: Pick<CoalescedNudges, 'nudge'>;
  /** Counts the waits as they end, by outcome. */
  metrics?: AllocationWaitMetrics;
}

export interface RoomsAllocationDeps {
  rooms: RoomStore;
  schedulers: SchedulerCache;
  runtime: Pick<Runtime, 'roomAddress'>;
  /** None: allocations never wait (no room ready is answered at once). */
  waiting?: AllocationWaiting;
  /** The clock of waiters' deadlines (real time; tests of the wait may replace it); epoch ms. */
  now?: () => number;
}

/** How an allocation may wait for a room when none is ready. */
export interface AllocateOptions {
  /** The request's wait; absent: the scheduler's default (`allocateWaitOf`). */
  waitMs?: number;
  /** Aborted when the caller went away: the wait stops. */
  signal?: AbortSignal;
}

/** Allocation (POST …/rooms/allocate) and the deprecated address lookup (GET …/address). */
export class RoomsAllocation {
  private readonly now: () => number;
  /** This process's waiting allocations, served oldest first by one poll per scheduler. */
  private readonly waiters: AllocationWaiters<AllocatedRoom>;

  constructor(private readonly deps: RoomsAllocationDeps) {
    this.now = deps.now ?? Date.now;
    this.waiters = new AllocationWaiters({
      now: this.now,
      nudge: (scheduler) => void deps.waiting?.nudges.nudge(scheduler),
    });
  }

  /**
   * Takes a ready room of the scheduler (atomically: concurrent callers never get the same room).
   * When none is ready and the allocation may wait, it registers as a waiter (the autoscaler adds
   * a room for each), nudges the scheduler's health controller and waits in line: rooms that turn
   * ready go to this process's waiters oldest first. Throws NOT_FOUND for an unknown scheduler and `NoReadyRoomError`
   * (RESOURCE_EXHAUSTED) when no room is ready (after the wait, or the caller going away).
   */
  async allocate(schedulerName: string, options: AllocateOptions = {}): Promise<AllocatedRoom> {
    const scheduler = await this.deps.schedulers.get(schedulerName);
    if (!scheduler) {
      throw new DomainError(ErrorCode.NOT_FOUND, `scheduler ${schedulerName} not found`);
    }
    const room = await this.take(scheduler);
    if (room) return room;
    const waitMs = allocateWaitOf(scheduler, options.waitMs);
    const waited =
      waitMs > 0 && this.deps.waiting
        ? await this.waitForRoom(scheduler, waitMs, this.deps.waiting, options.signal)
        : undefined;
    if (!waited) throw new NoReadyRoomError(schedulerName);
    return waited;
  }

  /** Where players reach the room; `RoomNotFoundError` / `RoomNotPlacedError` from the runtime. */
  address(scheduler: string, roomId: string): Promise<RoomAddress> {
    return this.deps.runtime.roomAddress(scheduler, roomId);
  }

  private async take(scheduler: Scheduler): Promise<AllocatedRoom | undefined> {
    const allocation = await this.deps.rooms.allocate(scheduler.name, {
      maxMatches: scheduler.matchAllocation.maxMatches,
    });
    if (!allocation) return undefined;
    const address = allocation.instance?.address;
    return { roomId: allocation.roomId, host: address?.host ?? '', ports: address?.ports ?? [] };
  }

  private async waitForRoom(
    scheduler: Scheduler,
    waitMs: number,
    waiting: AllocationWaiting,
    signal: AbortSignal | undefined,
  ): Promise<AllocatedRoom | undefined> {
    const waiterId = randomUUID();
    const startedAt = this.now();
    const deadline = startedAt + waitMs;
    const ended = (outcome: AllocationWaitOutcome) =>
      waiting.metrics?.allocationWaited({
        game: scheduler.game,
        scheduler: scheduler.name,
        outcome,
        durationMs: this.now() - startedAt,
      });
    await waiting.autoscaler.addWaiter(scheduler.name, waiterId, new Date(deadline));
    try {
      void waiting.nudges.nudge(scheduler.name);
      const room = await this.waiters
        .wait(scheduler.name, () => this.take(scheduler), deadline, signal)
        .catch((error: unknown) => {
          ended('failed');
          throw error;
        });
      ended(room ? 'served' : signal?.aborted ? 'gone' : 'expired');
      return room;
    } finally {
      // A failed removal must not lose a room already taken: the waiter expires at its deadline.
      await waiting.autoscaler.removeWaiter(scheduler.name, waiterId).catch(() => undefined);
    }
  }
}
