import type { InstanceEvent } from '../domain/game-room/instance';
import type { NewGameRoom } from '../domain/game-room/room';

/**
 * What operation activities and the runtime watcher tell the rooms' state, with the events
 * Maestro forwards at those moments. Forwarding failures are logged and counted, never thrown:
 * only storage failures reject, so a retried activity is safe (every method is idempotent).
 */
export interface RoomLifecycle {
  /**
   * A room is about to be created (call before `Runtime.createRoom`, with the id the workflow
   * chose): it starts `pending`, so its first ping finds it.
   */
  roomCreating(room: NewGameRoom): Promise<void>;

  /**
   * The runtime reported a change of a room's instance. `added`/`updated`: store the instance and
   * recompute the status (forwarding `terminated` when the instance turns terminating);
   * `deleted`: drop the room and forward `terminated`.
   */
  instanceChanged(event: InstanceEvent): Promise<void>;

  /**
   * Maestro asked the runtime to delete the room (call after `Runtime.deleteRoom` succeeds):
   * status `terminating`, and `terminated` is forwarded.
   */
  roomDeleting(scheduler: string, roomId: string): Promise<void>;
}
