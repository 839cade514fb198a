import type { ManagementClient, Room, Scheduler } from '@maestro/management-client';
import { isOtherMajor } from '../../domain/scheduler/versioning';
import type { CliIo } from './output';

/** Where a scheduler's rooms stand against its active version. */
export interface Rollout {
  version: string;
  /** Ready rooms of the active major version. */
  current: number;
  /** Ready rooms of another major version: the rolling update still has to replace them. */
  outdated: number;
  /** Busy rooms (occupied or allocated) of another major version, kept until their match ends. */
  kept: number;
  /** Rooms on their way in (pending, unready) or out (terminating), or failed (error). */
  moving: number;
  /** Rooms still to come: the scheduler wants more ready or busy rooms than it has. */
  missing: number;
  /** Ready rooms beyond what the scheduler wants, still to be removed. */
  surplus: number;
}

const BUSY = new Set(['occupied', 'allocated']);
const MOVING = new Set(['pending', 'unready', 'terminating', 'error']);

/**
 * The rollout of the scheduler's active version as its rooms show it (validation rooms aside:
 * they come and go). The scheduler wants `roomsReplicas` rooms, or with autoscaling between its
 * `min` and `max` (where in between is the autoscaler's to say); busy rooms count, and are never
 * surplus: only ready ones are removed.
 */
export function rolloutOf(
  rooms: readonly Room[],
  scheduler: Pick<Scheduler, 'spec' | 'roomsReplicas' | 'autoscaling'>,
): Rollout {
  const version = scheduler.spec.version;
  const rollout: Rollout = {
    version,
    current: 0,
    outdated: 0,
    kept: 0,
    moving: 0,
    missing: 0,
    surplus: 0,
  };
  let busy = 0;
  for (const room of rooms) {
    if (room.isValidationRoom) continue;
    const isOther = isOtherMajor(room.version, version);
    if (MOVING.has(room.status)) rollout.moving += 1;
    else if (BUSY.has(room.status)) {
      busy += 1;
      rollout.kept += isOther ? 1 : 0;
    } else if (isOther) rollout.outdated += 1;
    else rollout.current += 1;
  }
  const { autoscaling, roomsReplicas = 0 } = scheduler;
  const [low, high] = autoscaling?.enabled
    ? [autoscaling.min, autoscaling.max]
    : [roomsReplicas, roomsReplicas];
  rollout.missing = Math.max(0, low - rollout.current - busy);
  rollout.surplus = Math.max(0, rollout.current - Math.max(0, high - busy));
  return rollout;
}

/**
 * Done: no ready room of another major version is left, no room is moving, none is missing and
 * none is surplus. Busy rooms of the old version may stay: a rolling update never takes a room
 * from its players.
 */
export const isRolledOut = ({ outdated, moving, missing, surplus }: Rollout) =>
  outdated === 0 && moving === 0 && missing === 0 && surplus === 0;

export function describeRollout(rollout: Rollout) {
  const { version, current, outdated, kept, moving, missing, surplus } = rollout;
  const parts = [`${current} ready on it`];
  if (outdated > 0) parts.push(`${outdated} to replace`);
  if (moving > 0) parts.push(`${moving} starting or stopping`);
  if (missing > 0) parts.push(`${missing} more to come`);
  if (surplus > 0) parts.push(`${surplus} more than wanted, to remove`);
  if (kept > 0) parts.push(`${kept} busy on an older version, kept until their match ends`);
  return `rooms at ${version}: ${parts.join(', ')}`;
}

/**
 * Follows the scheduler's rooms until its active version is rolled out (`isRolledOut`), printing
 * the state whenever it changes (stderr). False when `deadline` came first.
 */
export async function watchRollout(
  client: ManagementClient,
  name: string,
  io: CliIo,
  options: { deadline: number; pollMs?: number },
): Promise<boolean> {
  let last = '';
  for (;;) {
    const scheduler = await client.getScheduler(name);
    const rollout = rolloutOf(await client.listRooms(name), scheduler);
    const line = `  ${describeRollout(rollout)}`;
    if (line !== last) io.err(line);
    last = line;
    if (isRolledOut(rollout)) return true;
    if (Date.now() >= options.deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 500));
  }
}
