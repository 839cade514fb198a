import type { PortRange } from '../domain/scheduler/spec';

export interface PortRequest {
  /** The container port's name. */
  name: string;
  /** Where its host port comes from (the port's own range, else the scheduler's). */
  range: PortRange;
}

/**
 * Hands out host ports so that no two live rooms ever hold the same port, whatever their
 * scheduler; ranges may overlap.
 */
export interface PortAllocator {
  /**
   * Host ports for the room, one per requested name. Idempotent: a room that already holds ports
   * gets the same ones back. Throws `PortsExhaustedError` when a range has no free port, and
   * then holds nothing.
   */
  allocate(
    scheduler: string,
    roomId: string,
    ports: readonly PortRequest[],
  ): Promise<Record<string, number>>;

  /** Frees the room's ports. Succeeds when it holds none. */
  release(scheduler: string, roomId: string): Promise<void>;

  /** The ports the room holds, if any. */
  held(scheduler: string, roomId: string): Promise<Record<string, number> | undefined>;
}
