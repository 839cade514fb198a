/** How many of a scheduler's rooms are in each status, as GET /schedulers/info reports them. */
export interface RoomStatusCounts {
  ready: number;
  occupied: number;
  pending: number;
  terminating: number;
}

/**
 * Counts a scheduler's rooms by status for the schedulers' overview (`GET /schedulers/info`).
 * Read-only and cheap enough to call once per scheduler per request.
 */
export interface RoomCounter {
  /** Zero everywhere for a scheduler without rooms (or unknown to the room storage). */
  countByStatus(scheduler: string): Promise<RoomStatusCounts>;
}
