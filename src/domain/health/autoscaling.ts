/**
 * Maestro's autoscaling policies (`services/autoscaler`): the desired number of rooms from the
 * rooms' occupancy, and whether scaling down is allowed right now.
 */
import {
  AutoscalingPolicyType,
  type Autoscaling,
  type AutoscalingPolicy,
} from '../scheduler/scheduler';
import type { RoomStatus } from '../game-room/status';

/** What the policies look at: rooms per status and the matches they report running. */
export interface Occupancy {
  counts: Readonly<Record<RoomStatus, number>>;
  /** Σ running matches the rooms last reported. */
  runningMatches: number;
  maxMatches: number;
}

export interface AutoscalingDecision {
  /** Clamped to [min, max] (max −1: unbounded). */
  desired: number;
  /** The policy allows removing rooms now (the cooldown is checked separately). */
  canDownscale: boolean;
}

/**
 * The desired rooms of one of Maestro's policies within [min, max]. Throws when the policy lacks
 * parameters. `decideAutoscaling` (autoscaling/decide.ts) picks the policy in force.
 */
export function autoscale(
  autoscaling: Pick<Autoscaling, 'min' | 'max'> & { policy: AutoscalingPolicy },
  occupancy: Occupancy,
): AutoscalingDecision {
  const { policy } = autoscaling;
  switch (policy.type) {
    case AutoscalingPolicyType.ROOM_OCCUPANCY: {
      const parameters = policy.parameters.roomOccupancy;
      if (!parameters) throw new Error('autoscaling policy roomOccupancy has no parameters');
      const { counts, maxMatches } = occupancy;
      // An allocated room is about to host a match even before it reports one.
      const running = occupancy.runningMatches + counts.allocated;
      const unclamped = Math.ceil(
        Math.ceil(running / (1 - parameters.readyTarget)) / Math.max(1, maxMatches),
      );
      const slots =
        (counts.ready + counts.active + counts.occupied + counts.allocated) * maxMatches;
      const freeSlots = slots - occupancy.runningMatches;
      const canDownscale =
        freeSlots > 0 &&
        Math.ceil(unclamped * maxMatches * parameters.readyTarget) / freeSlots <=
          parameters.downThreshold;
      return { desired: clamp(autoscaling, unclamped), canDownscale };
    }
    case AutoscalingPolicyType.FIXED_BUFFER: {
      const parameters = policy.parameters.fixedBuffer;
      if (!parameters) throw new Error('autoscaling policy fixedBuffer has no parameters');
      const { counts } = occupancy;
      const desired = clamp(autoscaling, counts.occupied + counts.allocated + parameters.amount);
      const total = Object.values(counts).reduce((sum, count) => sum + count, 0);
      return { desired, canDownscale: total - counts.terminating - counts.error > desired };
    }
  }
}

/** `rooms` within the block's [min, max]. */
export function clamp(autoscaling: Pick<Autoscaling, 'min' | 'max'>, rooms: number): number {
  const atLeastMin = Math.max(autoscaling.min, rooms);
  return autoscaling.max === -1 ? atLeastMin : Math.min(autoscaling.max, atLeastMin);
}

/** Whether the cooldown since the last downscale has passed (`cooldown` is in seconds). */
export function isCooledDown(
  autoscaling: Autoscaling,
  lastDownscaleAt: string | undefined,
  now: Date,
) {
  if (!lastDownscaleAt) return true;
  return Date.parse(lastDownscaleAt) + autoscaling.cooldown * 1000 <= now.getTime();
}
