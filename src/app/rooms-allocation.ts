import { DomainError, ErrorCode } from '../domain/errors';
import { NoReadyRoomError } from '../domain/game-room/errors';
import type { RoomAddress } from '../domain/game-room/instance';
import type { Runtime } from '../ports/runtime';
import type { RoomStore } from '../ports/room-store';
import type { SchedulerCache } from '../ports/scheduler-cache';

/** A room handed to a matchmaker, with where players reach it. */
export interface AllocatedRoom extends RoomAddress {
  roomId: string;
}

export interface RoomsAllocationDeps {
  rooms: RoomStore;
  schedulers: SchedulerCache;
  runtime: Pick<Runtime, 'roomAddress'>;
}

/** Allocation (POST …/rooms/allocate) and the deprecated address lookup (GET …/address). */
export class RoomsAllocation {
  constructor(private readonly deps: RoomsAllocationDeps) {}

  /**
   * Takes a ready room of the scheduler (atomically: concurrent callers never get the same room).
   * Throws NOT_FOUND for an unknown scheduler and `NoReadyRoomError` (RESOURCE_EXHAUSTED) when no
   * room is ready.
   */
  async allocate(schedulerName: string): Promise<AllocatedRoom> {
    const scheduler = await this.deps.schedulers.get(schedulerName);
    if (!scheduler) {
      throw new DomainError(ErrorCode.NOT_FOUND, `scheduler ${schedulerName} not found`);
    }
    const allocation = await this.deps.rooms.allocate(schedulerName, {
      maxMatches: scheduler.matchAllocation.maxMatches,
    });
    if (!allocation) throw new NoReadyRoomError(schedulerName);
    const address = allocation.instance?.address;
    return { roomId: allocation.roomId, host: address?.host ?? '', ports: address?.ports ?? [] };
  }

  /** Where players reach the room; `RoomNotFoundError` / `RoomNotPlacedError` from the runtime. */
  address(scheduler: string, roomId: string): Promise<RoomAddress> {
    return this.deps.runtime.roomAddress(scheduler, roomId);
  }
}
