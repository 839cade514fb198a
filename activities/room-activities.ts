import { heartbeat, sleep } from '@temporalio/activity';
import { byDeletionPriority } from '../src/domain/health/deletion-priority';
import {
  isStuckTerminating,
  withGracePeriod,
  type HealthTimeouts,
} from '../src/domain/health/health-plan';
import { RoomStatus } from '../src/domain/game-room/status';
import type { Scheduler } from '../src/domain/scheduler/scheduler';
import { validateScheduler } from '../src/domain/scheduler/validation';
import type { OperationMetrics } from '../src/ports/operation-metrics';
import type { PortAllocator, PortRequest } from '../src/ports/port-allocator';
import type { RoomLifecycle } from '../src/ports/room-lifecycle';
import type { RoomStore } from '../src/ports/room-store';
import type { Runtime } from '../src/ports/runtime';
import type { SchedulerStore } from '../src/ports/scheduler-store';
import { requireScheduler, runtimeSchedulerOf } from './scheduler-activities';

export interface RoomActivityDeps {
  schedulers: SchedulerStore;
  runtime: Runtime;
  ports: PortAllocator;
  rooms: RoomStore;
  lifecycle: RoomLifecycle;
  /** Extra environment of a new room (its token when room authentication is on). */
  roomEnvironment: (scheduler: string, roomId: string) => Record<string, string>;
  /** When a room counts as broken (scale-downs pick it first) or stuck terminating (forced). */
  timeouts: HealthTimeouts;
  /** How long a validation room has to report ready (each attempt). */
  validationTimeoutMs: number;
  /** Counts the failed attempts of add_rooms' and remove_rooms' steps. */
  metrics: Pick<OperationMetrics, 'roomCreationFailed' | 'roomsDeletionFailed'>;
}

/** Rooms one activity creates or deletes at the same time. */
const ROOM_CONCURRENCY = 10;

/** How often `awaitRoomReady` looks at the room. */
const READY_POLL_MS = 250;

/** Steps that create, delete and choose rooms. Each is idempotent per room id. */
export function createRoomActivities(deps: RoomActivityDeps) {
  const { schedulers, runtime, ports, rooms, lifecycle } = deps;
  return {
    /**
     * Registers the rooms in room storage (so their first ping finds them), then creates them
     * (host ports, then the runtime instance) from the active version, or from `scheduler` for a
     * validation room of a version not stored yet. `operation` names the operation whose step
     * this is, for the failure counter (add_rooms passes it).
     */
    async createRooms(input: {
      schedulerName: string;
      roomIds: string[];
      scheduler?: unknown;
      isValidationRoom?: boolean;
      operation?: string;
    }): Promise<void> {
      const scheduler = input.scheduler
        ? validateScheduler(input.scheduler)
        : await requireScheduler(schedulers, input.schedulerName);
      const { operation } = input;
      const counted = (error: unknown): never => {
        if (operation) deps.metrics.roomCreationFailed({ scheduler: scheduler.name, operation });
        throw error;
      };
      const createRoom = async (roomId: string) => {
        await lifecycle.roomCreating({
          id: roomId,
          scheduler: scheduler.name,
          version: scheduler.spec.version,
          isValidationRoom: input.isValidationRoom ?? false,
        });
        const hostPorts = await ports.allocate(scheduler.name, roomId, portRequestsOf(scheduler));
        await runtime.createRoom({
          scheduler: runtimeSchedulerOf(scheduler),
          roomId,
          spec: scheduler.spec,
          hostPorts,
          environment: deps.roomEnvironment(scheduler.name, roomId),
        });
        heartbeat();
      };
      await forEachConcurrently(input.roomIds, (roomId) => createRoom(roomId).catch(counted));
    },

    /**
     * Asks the runtime to stop the rooms and marks them terminating (forwarding `terminated`).
     * Their host ports stay held until the runtime watcher sees them gone. A room terminating for
     * longer than the deletion timeout is deleted without a grace period (it would never go).
     * `operation` names the operation whose step this is, for the failure counter (remove_rooms
     * passes it).
     */
    async deleteRooms(input: {
      schedulerName: string;
      roomIds: string[];
      reason: string;
      operation?: string;
    }): Promise<void> {
      const now = new Date();
      const scheduler = await schedulers.getScheduler(input.schedulerName);
      const timeouts = scheduler ? withGracePeriod(deps.timeouts, scheduler) : deps.timeouts;
      const deleteRoom = async (roomId: string) => {
        const room = await rooms.getRoom(input.schedulerName, roomId);
        const force = room !== undefined && isStuckTerminating(room, timeouts, now);
        await runtime.deleteRoom({
          scheduler: input.schedulerName,
          roomId,
          reason: input.reason,
          force,
        });
        await lifecycle.roomDeleting(input.schedulerName, roomId);
        heartbeat();
      };
      try {
        await forEachConcurrently(input.roomIds, deleteRoom);
      } catch (error) {
        const { schedulerName: scheduler, operation } = input;
        if (operation) deps.metrics.roomsDeletionFailed({ scheduler, operation });
        throw error;
      }
    },

    /**
     * `amount` rooms to remove by deletion priority (see `byDeletionPriority`: free rooms before
     * rooms in use, broken and old-version rooms first); `exclude` is never picked.
     */
    async pickRoomsToRemove(input: {
      schedulerName: string;
      amount: number;
      exclude: string[];
    }): Promise<string[]> {
      const scheduler = await requireScheduler(schedulers, input.schedulerName);
      const excluded = new Set(input.exclude);
      const candidates = (await rooms.listRooms(input.schedulerName)).filter(
        (room) => !excluded.has(room.id),
      );
      return byDeletionPriority(candidates, {
        activeVersion: scheduler.spec.version,
        now: new Date(),
        pingTimeoutMs: deps.timeouts.pingTimeoutMs,
      })
        .slice(0, input.amount)
        .map((room) => room.id);
    },

    /**
     * Waits until the room reports ready (its status, composed from its pings and its instance),
     * or fails: `error: …` when it errs or its runtime instance fails, `timeout` when neither
     * happens within the validation timeout.
     */
    async awaitRoomReady(input: { schedulerName: string; roomId: string }): Promise<string> {
      const deadline = Date.now() + deps.validationTimeoutMs;
      while (Date.now() < deadline) {
        const room = await rooms.getRoom(input.schedulerName, input.roomId);
        if (room?.status === RoomStatus.READY) return 'ready';
        if (room?.status === RoomStatus.ERROR) {
          return `error: ${room.instance?.reason ?? 'the room reported an error'}`;
        }
        heartbeat();
        await sleep(READY_POLL_MS);
      }
      return 'timeout';
    },
  };
}

function portRequestsOf(scheduler: Scheduler): PortRequest[] {
  return scheduler.spec.containers.flatMap((container) =>
    container.ports.map((port) => ({
      name: port.name,
      range: port.hostPortRange ?? scheduler.portRange!,
    })),
  );
}

export async function forEachConcurrently<T>(
  items: readonly T[],
  task: (item: T) => Promise<void>,
  concurrency = ROOM_CONCURRENCY,
) {
  const queue = [...items];
  const workers = Array.from({ length: Math.min(concurrency, queue.length) }, async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) await task(item);
  });
  await Promise.all(workers);
}
