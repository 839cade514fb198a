import type { Logger } from 'pino';
import {
  InstanceStatus,
  type GameRoomInstance,
  type InstanceEvent,
} from '../domain/game-room/instance';
import type { GameRoom, NewGameRoom } from '../domain/game-room/room';
import { PingStatus } from '../domain/game-room/status';
import type { RoomLifecycle } from '../ports/room-lifecycle';
import type { RoomStore } from '../ports/room-store';
import type { SchedulerCache } from '../ports/scheduler-cache';
import type { RoomsForwarding } from './rooms-forwarding';

export interface ForwardingRoomLifecycleDeps {
  rooms: RoomStore;
  schedulers: SchedulerCache;
  forwarding: RoomsForwarding;
  log: Logger;
}

/** Used for the status of rooms whose scheduler is gone (deletion in progress). */
const SINGLE_MATCH = 1;

/**
 * Rooms' state as operations and the runtime watcher change it, forwarding `terminated` where
 * Maestro does: when deletion is requested, when the instance turns terminating, when it is gone.
 */
export class ForwardingRoomLifecycle implements RoomLifecycle {
  constructor(private readonly deps: ForwardingRoomLifecycleDeps) {}

  async roomCreating(room: NewGameRoom): Promise<void> {
    await this.deps.rooms.createRoom(room);
  }

  async instanceChanged(event: InstanceEvent): Promise<void> {
    const { instance } = event;
    if (event.type === 'deleted') {
      const removed = await this.deps.rooms.removeRoom(instance.scheduler, instance.id);
      // Only once: a repeated `deleted` (a relist, a retried activity) finds nothing to remove.
      if (removed) await this.forwardTerminated(instance.scheduler, instance.id, removed, instance);
      return;
    }
    const scheduler = await this.deps.schedulers.get(instance.scheduler);
    const result = await this.deps.rooms.updateInstance(instance, {
      maxMatches: scheduler?.matchAllocation.maxMatches ?? SINGLE_MATCH,
    });
    if (result.outcome === 'room_not_found') {
      this.deps.log.debug(
        { scheduler: instance.scheduler, roomId: instance.id },
        'instance of unknown room',
      );
      return;
    }
    if (result.rejectedStatus) {
      this.deps.log.info(
        {
          scheduler: instance.scheduler,
          roomId: instance.id,
          from: result.status,
          to: result.rejectedStatus,
        },
        'room status transition refused',
      );
    }
    const isNowTerminating =
      result.status !== result.previous && instance.status === InstanceStatus.TERMINATING;
    if (isNowTerminating && !result.room.isValidationRoom) {
      await this.forwardTerminated(instance.scheduler, instance.id, undefined, instance);
    }
  }

  async roomDeleting(scheduler: string, roomId: string): Promise<void> {
    const room = await this.deps.rooms.markTerminating(scheduler, roomId);
    if (room) await this.forwardTerminated(scheduler, roomId, room, room.instance);
  }

  /** Forwards `status/terminated` (Maestro's `roomEvent=terminated`); failures are only logged. */
  private async forwardTerminated(
    schedulerName: string,
    roomId: string,
    room: GameRoom | undefined,
    instance: GameRoomInstance | undefined,
  ): Promise<void> {
    if (room?.isValidationRoom) return;
    try {
      const scheduler = await this.deps.schedulers.get(schedulerName);
      if (!scheduler) return;
      await this.deps.forwarding.forwardRoomEvent(scheduler, {
        kind: { type: 'status', pingStatus: PingStatus.TERMINATED, isTermination: true },
        roomId,
        address: instance?.address ?? room?.instance?.address,
        metadata: {},
      });
    } catch (error) {
      this.deps.log.warn(
        { err: error, scheduler: schedulerName, roomId },
        'terminated event not forwarded',
      );
    }
  }
}
