import { heartbeat, sleep } from '@temporalio/activity';
import { InstanceStatus, type GameRoomInstance } from '../src/domain/game-room/instance';
import type { Scheduler } from '../src/domain/scheduler/scheduler';
import { validateScheduler } from '../src/domain/scheduler/validation';
import type { PortAllocator, PortRequest } from '../src/ports/port-allocator';
import type { Runtime } from '../src/ports/runtime';
import type { SchedulerStore } from '../src/ports/scheduler-store';
import { requireScheduler, runtimeSchedulerOf } from './scheduler-activities';

export interface RoomActivityDeps {
  schedulers: SchedulerStore;
  runtime: Runtime;
  ports: PortAllocator;
}

/** Rooms one activity creates or deletes at the same time. */
const ROOM_CONCURRENCY = 10;

/** Steps that create, delete and choose rooms. Each is idempotent per room id. */
export function createRoomActivities({ schedulers, runtime, ports }: RoomActivityDeps) {
  return {
    /**
     * Creates the rooms (host ports, then the runtime instance) from the active version, or from
     * `scheduler` for a validation room of a version not stored yet.
     */
    async createRooms(input: {
      schedulerName: string;
      roomIds: string[];
      scheduler?: unknown;
      isValidationRoom?: boolean;
    }): Promise<void> {
      const scheduler = input.scheduler
        ? validateScheduler(input.scheduler)
        : await requireScheduler(schedulers, input.schedulerName);
      await forEachConcurrently(input.roomIds, async (roomId) => {
        const hostPorts = await ports.allocate(scheduler.name, roomId, portRequestsOf(scheduler));
        await runtime.createRoom({
          scheduler: runtimeSchedulerOf(scheduler),
          roomId,
          spec: scheduler.spec,
          hostPorts,
        });
        heartbeat();
      });
    },

    async deleteRooms(input: {
      schedulerName: string;
      roomIds: string[];
      reason: string;
    }): Promise<void> {
      await forEachConcurrently(input.roomIds, async (roomId) => {
        await runtime.deleteRoom({ scheduler: input.schedulerName, roomId, reason: input.reason });
        await ports.release(input.schedulerName, roomId);
        heartbeat();
      });
    },

    /**
     * `amount` rooms to remove: broken ones first, then rooms of an older version, then pending,
     * then ready ones; rooms already terminating and `exclude` are never picked.
     */
    async pickRoomsToRemove(input: {
      schedulerName: string;
      amount: number;
      exclude: string[];
    }): Promise<string[]> {
      const scheduler = await requireScheduler(schedulers, input.schedulerName);
      const rooms = await runtime.listRooms(input.schedulerName);
      return rooms
        .filter(
          (room) => room.status !== InstanceStatus.TERMINATING && !input.exclude.includes(room.id),
        )
        .sort((a, b) => removalRank(a, scheduler) - removalRank(b, scheduler))
        .slice(0, input.amount)
        .map((room) => room.id);
    },

    /** Waits until the room's instance is ready or failed; `timeout` when neither in time. */
    async awaitRoomReady(input: {
      schedulerName: string;
      roomId: string;
      timeoutMs: number;
    }): Promise<string> {
      const deadline = Date.now() + input.timeoutMs;
      while (Date.now() < deadline) {
        const room = await runtime.getRoom(input.schedulerName, input.roomId);
        if (room?.status === InstanceStatus.READY) return 'ready';
        if (room?.status === InstanceStatus.ERROR) return `error: ${room.reason ?? 'unknown'}`;
        heartbeat();
        await sleep(500);
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

const STATUS_RANK: Record<GameRoomInstance['status'], number> = {
  error: 0,
  unknown: 1,
  pending: 3,
  ready: 4,
  terminating: 5,
};

function removalRank(room: GameRoomInstance, scheduler: Scheduler): number {
  const isOldVersion = room.version !== scheduler.spec.version;
  return room.status === InstanceStatus.ERROR ? 0 : isOldVersion ? 2 : STATUS_RANK[room.status];
}

async function forEachConcurrently<T>(items: readonly T[], task: (item: T) => Promise<void>) {
  const queue = [...items];
  const workers = Array.from({ length: Math.min(ROOM_CONCURRENCY, queue.length) }, async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) await task(item);
  });
  await Promise.all(workers);
}
