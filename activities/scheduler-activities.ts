import { activityInfo, log, sleep } from '@temporalio/activity';
import { DomainError, ErrorCode } from '../src/domain/errors';
import { SchedulerState, type Scheduler } from '../src/domain/scheduler/scheduler';
import { validateScheduler } from '../src/domain/scheduler/validation';
import { isMajorChange, nextVersion } from '../src/domain/scheduler/versioning';
import type { PortAllocator } from '../src/ports/port-allocator';
import type { RoomStore } from '../src/ports/room-store';
import type { Runtime } from '../src/ports/runtime';
import type { SchedulerCacheInvalidator } from '../src/ports/scheduler-cache';
import type { SchedulerStore } from '../src/ports/scheduler-store';

/** How often delete_scheduler looks whether the rooms are gone. */
const ROOMS_GONE_POLL_MS = 1_000;

export interface SchedulerActivityDeps {
  schedulers: SchedulerStore;
  runtime: Runtime;
  rooms: RoomStore;
  ports: PortAllocator;
  /** Every process's scheduler cache hears of a created, switched or deleted scheduler. */
  cacheInvalidator: SchedulerCacheInvalidator;
  /** How long delete_scheduler waits for the rooms to go, from its first attempt. */
  schedulerDeletionTimeoutMs: number;
}

/** What delete_scheduler left to the runtime: rooms still there when the wait ran out. */
export interface SchedulerDeletion {
  roomsLeft: number;
}

/** The active version of a scheduler that must exist. */
export async function requireScheduler(
  schedulers: SchedulerStore,
  name: string,
): Promise<Scheduler> {
  const scheduler = await schedulers.getScheduler(name);
  if (!scheduler) throw new DomainError(ErrorCode.NOT_FOUND, `scheduler ${name} not found`);
  return scheduler;
}

export const runtimeSchedulerOf = (scheduler: Scheduler) => ({
  name: scheduler.name,
  labels: scheduler.labels,
  annotations: scheduler.annotations,
});

/** Steps of the scheduler-level operations. Each is idempotent. */
export function createSchedulerActivities(deps: SchedulerActivityDeps) {
  const { schedulers, runtime, rooms, ports, cacheInvalidator } = deps;
  return {
    async createSchedulerSpace(input: { schedulerName: string }): Promise<void> {
      const scheduler = await requireScheduler(schedulers, input.schedulerName);
      await runtime.createSchedulerSpace(runtimeSchedulerOf(scheduler));
      await schedulers.updateState(input.schedulerName, SchedulerState.IN_SYNC);
      await cacheInvalidator.invalidate(input.schedulerName);
    },

    /**
     * Deletes the runtime space and waits until its rooms are gone, then the rooms' host ports and
     * records, then the rows. The wait is bounded, as Maestro's: rooms still terminating when it runs
     * out are the runtime's to finish, and the rows go anyway. The bound counts from the first
     * attempt (a retry after a crash or a timeout does not start it again).
     */
    async deleteScheduler(input: { schedulerName: string }): Promise<SchedulerDeletion> {
      const { schedulerName } = input;
      const deadline = activityInfo().scheduledTimestampMs + deps.schedulerDeletionTimeoutMs;
      await runtime.deleteSchedulerSpace(schedulerName);
      const roomsLeft = await roomsLeftAt(deadline, () => runtime.listRooms(schedulerName));
      if (roomsLeft > 0) {
        log.warn('rooms still there after the deletion wait; deleting the scheduler anyway', {
          schedulerName,
          roomsLeft,
        });
      }
      for (const roomId of await rooms.listRoomIds(schedulerName)) {
        await ports.release(schedulerName, roomId); // before the row: a retry lists the room again
        await rooms.removeRoom(schedulerName, roomId);
      }
      await schedulers.deleteScheduler(schedulerName);
      await cacheInvalidator.invalidate(schedulerName);
      return { roomsLeft };
    },

    async switchActiveVersion(input: { schedulerName: string; version: string }): Promise<void> {
      await schedulers.switchActiveVersion(input.schedulerName, input.version);
      await schedulers.updateState(input.schedulerName, SchedulerState.IN_SYNC);
      await cacheInvalidator.invalidate(input.schedulerName);
    },

    async setSchedulerState(input: {
      schedulerName: string;
      state: SchedulerState;
    }): Promise<void> {
      await schedulers.updateState(input.schedulerName, input.state);
    },

    /** Validates the candidate, decides its version number and whether it is major. */
    async prepareSchedulerVersion(input: { schedulerName: string; scheduler: unknown }) {
      const current = await requireScheduler(schedulers, input.schedulerName);
      const candidate = validateScheduler({
        ...(input.scheduler as object),
        name: input.schedulerName,
      });
      const versions = (await schedulers.listVersions(input.schedulerName)).map((v) => v.version);
      const isMajor = isMajorChange(current, candidate);
      const version = nextVersion(versions, isMajor);
      await schedulers.updateState(input.schedulerName, SchedulerState.CREATING);
      const scheduler: Scheduler = {
        ...candidate,
        spec: { ...candidate.spec, version },
        rollbackVersion: current.spec.version,
      };
      return { version, isMajor, scheduler };
    },

    async saveSchedulerVersion(input: {
      schedulerName: string;
      scheduler: Scheduler;
    }): Promise<void> {
      await schedulers.createVersion(input.scheduler);
    },
  };
}

/** Polls until no room is listed or the deadline passes; how many rooms are left. */
async function roomsLeftAt(deadline: number, list: () => Promise<unknown[]>): Promise<number> {
  for (;;) {
    const left = (await list()).length;
    if (left === 0 || Date.now() >= deadline) return left;
    await sleep(Math.min(ROOMS_GONE_POLL_MS, deadline - Date.now()));
  }
}
