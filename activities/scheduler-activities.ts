import { sleep } from '@temporalio/activity';
import { DomainError, ErrorCode } from '../src/domain/errors';
import { SchedulerState, type Scheduler } from '../src/domain/scheduler/scheduler';
import { validateScheduler } from '../src/domain/scheduler/validation';
import { isMajorChange, nextVersion } from '../src/domain/scheduler/versioning';
import type { PortAllocator } from '../src/ports/port-allocator';
import type { RoomStore } from '../src/ports/room-store';
import type { Runtime } from '../src/ports/runtime';
import type { SchedulerCacheInvalidator } from '../src/ports/scheduler-cache';
import type { SchedulerStore } from '../src/ports/scheduler-store';

/** How long delete_scheduler waits for the rooms to go before it removes the rows anyway. */
const ROOMS_GONE_TIMEOUT_MS = 10 * 60_000;

export interface SchedulerActivityDeps {
  schedulers: SchedulerStore;
  runtime: Runtime;
  rooms: RoomStore;
  ports: PortAllocator;
  /** Every process's scheduler cache hears of a created, switched or deleted scheduler. */
  cacheInvalidator: SchedulerCacheInvalidator;
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
     * Deletes the runtime space and waits until its rooms are gone (as Maestro, bounded: rooms
     * still terminating after the wait are the runtime's to finish), then the rooms' records and
     * host ports, then the rows.
     */
    async deleteScheduler(input: { schedulerName: string }): Promise<void> {
      await runtime.deleteSchedulerSpace(input.schedulerName);
      const deadline = Date.now() + ROOMS_GONE_TIMEOUT_MS;
      while (Date.now() < deadline && (await runtime.listRooms(input.schedulerName)).length > 0) {
        await sleep(1_000);
      }
      for (const roomId of await rooms.listRoomIds(input.schedulerName)) {
        await rooms.removeRoom(input.schedulerName, roomId);
        await ports.release(input.schedulerName, roomId);
      }
      await schedulers.deleteScheduler(input.schedulerName);
      await cacheInvalidator.invalidate(input.schedulerName);
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
