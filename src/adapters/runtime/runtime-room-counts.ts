import { InstanceStatus } from '../../domain/game-room/instance';
import type { RoomCounts, RoomStatusCounts } from '../../ports/room-counts';
import type { Runtime } from '../../ports/runtime';

/**
 * Interim room counts read from the runtime's instances, until the Redis room store (which knows
 * what rooms report through the Rooms API) arrives with the Rooms API. A runtime cannot tell a
 * ready room from an occupied one, so `occupied` is always 0 here; instances in `error` or
 * `unknown` are not counted, as Maestro's status sets do not count them either.
 */
export class RuntimeRoomCounts implements RoomCounts {
  constructor(private readonly runtime: Runtime) {}

  async countByStatus(scheduler: string): Promise<RoomStatusCounts> {
    const counts: RoomStatusCounts = { ready: 0, occupied: 0, pending: 0, terminating: 0 };
    for (const instance of await this.runtime.listRooms(scheduler)) {
      switch (instance.status) {
        case InstanceStatus.READY:
          counts.ready += 1;
          break;
        case InstanceStatus.PENDING:
          counts.pending += 1;
          break;
        case InstanceStatus.TERMINATING:
          counts.terminating += 1;
          break;
        case InstanceStatus.ERROR:
        case InstanceStatus.UNKNOWN:
          break;
      }
    }
    return counts;
  }
}
