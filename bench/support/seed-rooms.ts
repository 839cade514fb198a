import type { RedisRoomStore } from '../../src/adapters/redis/redis-room-store';
import type { InstanceStatus } from '../../src/domain/game-room/instance';

/**
 * Shares of a realistic scheduler's rooms: mostly ready or occupied, some still starting (no
 * instance reported yet, or a pod not ready), a few whose instance failed (expired at once).
 */
export const ROOM_MIX = {
  ready: 0.7,
  occupied: 0.25,
  pendingWithoutInstance: 0.03,
  pendingInstance: 0.018,
  failedInstance: 0.002,
} as const;
type Kind = keyof typeof ROOM_MIX;

/**
 * Writes `count` rooms of `scheduler` through the store as the system would: `createRoom`, then
 * the runtime's `updateInstance`, then the room's own `ping`. Returns the seconds it took and the
 * statuses the store composed.
 */
export async function seedRooms(store: RedisRoomStore, scheduler: string, count: number) {
  const startedAt = Date.now();
  const seed = async (index: number) => {
    const id = `${scheduler}-${String(index).padStart(6, '0')}`;
    const kind = kindOf(index / count);
    await store.createRoom({ id, scheduler, version: 'v1.0.0' });
    if (kind === 'pendingWithoutInstance') return;
    await store.updateInstance(
      {
        id,
        scheduler,
        version: 'v1.0.0',
        status: INSTANCE_STATUS[kind],
        address: {
          host: '127.0.0.1',
          ports: [{ name: 'game', protocol: 'UDP', port: 40_000 + (index % 1000) }],
        },
        createdAt: new Date(),
      },
      { maxMatches: 1 },
    );
    if (kind !== 'ready' && kind !== 'occupied') return;
    await store.ping({
      scheduler,
      roomId: id,
      pingStatus: kind,
      metadata: {},
      runningMatches: kind === 'occupied' ? 1 : 0,
      maxMatches: 1,
    });
  };
  for (let i = 0; i < count; i += 500) {
    await Promise.all(Array.from({ length: Math.min(500, count - i) }, (_, j) => seed(i + j)));
  }
  const counts = await store.countRooms(scheduler);
  return {
    seconds: (Date.now() - startedAt) / 1000,
    statuses: Object.fromEntries(Object.entries(counts).filter(([, n]) => n > 0)),
  };
}

const INSTANCE_STATUS: Record<Kind, InstanceStatus> = {
  ready: 'ready',
  occupied: 'ready',
  pendingWithoutInstance: 'pending',
  pendingInstance: 'pending',
  failedInstance: 'error',
};

/** The kind of the room at `position` (0 ≤ position < 1) along the cumulative shares. */
function kindOf(position: number): Kind {
  let bound = 0;
  for (const [kind, share] of Object.entries(ROOM_MIX) as Array<[Kind, number]>) {
    bound += share;
    if (position < bound) return kind;
  }
  return 'ready';
}
