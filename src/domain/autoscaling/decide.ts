/**
 * The autoscaler's decision for an enabled `autoscaling` block: which policy is in force at an
 * instant (a schedule's window, a chain's entry), the desired rooms it gives, then scale to zero
 * and waiting allocations on top. Pure: the clock, the webhook's latest answer and the scheduler's
 * activity are inputs, so a test drives schedules with a clock it controls.
 */
import type { RoomStatus } from '../game-room/status';
import { autoscale, clamp, type AutoscalingDecision, type Occupancy } from '../health/autoscaling';
import type { Autoscaling } from '../scheduler/scheduler';
import { evaluateChain, evaluateSchedule } from './chain';
import { parseDuration } from './duration';
import {
  PolicyType,
  SCALE_TO_ZERO_DEFAULTS,
  type AutoscalingPolicyBlock,
  type InnerPolicy,
  type ScaleToZero,
} from './policies';
import { fallbackDecision, type WebhookDecision } from './webhook';

/** The policy in force at an instant, and why (the window or chain entry that chose it). */
export interface PolicyInForce {
  policy: InnerPolicy;
  /** E.g. `windows[0] active: …`; empty for a plain policy. */
  reason: string;
  /** Identifies the choice: it changes exactly when another window or entry takes over. */
  key: string;
}

/** The policy of `block` in force at `now`: itself, or the schedule's or chain's choice. */
export function policyInForce(block: AutoscalingPolicyBlock, now: Date): PolicyInForce {
  const { type, parameters } = block;
  if (type === PolicyType.SCHEDULE || type === PolicyType.CHAIN) {
    const choice =
      type === PolicyType.SCHEDULE
        ? evaluateSchedule(required(parameters.schedule, type), now)
        : evaluateChain(required(parameters.chain, type), now);
    return {
      policy: choice.policy,
      reason: choice.reason,
      key: `${type}:${choice.entry ?? 'default'}:${choice.reason}`,
    };
  }
  return { policy: { type, parameters }, reason: '', key: type };
}

/** What the autoscaler knows besides the rooms. */
export interface AutoscalingSignals {
  now: Date;
  /** Rooms the scheduler has now (pending to occupied): what `keep` keeps without a webhook answer. */
  current: number;
  /** The webhook's latest decision, when the policy in force is a webhook. */
  webhook?: Pick<WebhookDecision, 'desired' | 'canDownscale' | 'source' | 'note'>;
  /** When a room was last seen occupied or allocated, or an allocation waited (ISO). */
  lastActiveAt?: string;
  /** Allocations waiting for a room now (wake on allocate). */
  waiters?: number;
}

/** The autoscaler's decision and its explanation for the operation history. */
export interface AutoscalerDecision extends AutoscalingDecision {
  /** Who decided: a policy type, `webhook`, `fallback:keep`, `fallback:<type>`, or `scale-to-zero`. */
  source: string;
  /** One line: the window or entry in force, the webhook's answer, idleness, waiting allocations. */
  reason: string;
}

/** The desired rooms of an enabled autoscaling block at `signals.now`. */
export function decideAutoscaling(
  autoscaling: Autoscaling,
  occupancy: Occupancy,
  signals: AutoscalingSignals,
): AutoscalerDecision {
  const inForce = policyInForce(autoscaling.policy, signals.now);
  const policyDecision = decidePolicy(autoscaling, inForce.policy, occupancy, signals);
  const reasons = [inForce.reason, policyDecision.reason].filter(Boolean);
  let decision: AutoscalerDecision = { ...policyDecision, reason: reasons.join('; ') };
  if (autoscaling.min === 0)
    decision = scaleToZero(autoscaling, occupancy.counts, signals, decision);
  return withWaiters(autoscaling, occupancy.counts, signals.waiters ?? 0, decision);
}

function decidePolicy(
  autoscaling: Autoscaling,
  policy: InnerPolicy,
  occupancy: Occupancy,
  signals: AutoscalingSignals,
): AutoscalerDecision {
  if (policy.type !== PolicyType.WEBHOOK) {
    const local = { type: policy.type, parameters: policy.parameters };
    const decision = autoscale({ ...autoscaling, policy: local }, occupancy);
    return { ...decision, source: policy.type, reason: '' };
  }
  const webhook = required(policy.parameters.webhook, policy.type);
  if (signals.webhook) {
    // Bounds may have changed since the answer: clamp again.
    const { desired, canDownscale, source, note } = signals.webhook;
    return { desired: clamp(autoscaling, desired), canDownscale, source, reason: note };
  }
  const decision = fallbackDecision(
    {
      fallback: webhook.fallback,
      current: signals.current,
      min: autoscaling.min,
      max: autoscaling.max,
    },
    occupancy,
    'not asked yet',
  );
  return { ...decision, reason: decision.note };
}

/** The scale-to-zero settings of a block with `min: 0`, defaults filled in. */
export function scaleToZeroOf(autoscaling: Pick<Autoscaling, 'scaleToZero'>): ScaleToZero {
  return { ...SCALE_TO_ZERO_DEFAULTS, ...autoscaling.scaleToZero };
}

/** Whether the scheduler has a room in use (occupied or allocated) or an allocation waiting. */
export function isBusy(counts: Readonly<Record<RoomStatus, number>>, waiters = 0): boolean {
  return counts.occupied + counts.allocated + waiters > 0;
}

/**
 * With `min: 0`: a scheduler idle for `idleAfter` (no room in use, no allocation waiting since
 * `lastActiveAt`; never active: idle) drains to zero; until then it keeps at least one room.
 */
function scaleToZero(
  autoscaling: Autoscaling,
  counts: Readonly<Record<RoomStatus, number>>,
  signals: AutoscalingSignals,
  decision: AutoscalerDecision,
): AutoscalerDecision {
  const { idleAfter } = scaleToZeroOf(autoscaling);
  const idleAfterMs = parseDuration(idleAfter) ?? 0;
  const lastActiveMs = signals.lastActiveAt ? Date.parse(signals.lastActiveAt) : undefined;
  const isIdle =
    !isBusy(counts, signals.waiters) &&
    (lastActiveMs === undefined || signals.now.getTime() - lastActiveMs >= idleAfterMs);
  if (isIdle) {
    const since = signals.lastActiveAt ? ` since ${signals.lastActiveAt}` : '';
    const reason = `idle${since} (idleAfter ${idleAfter}): scaling to zero`;
    return { desired: 0, canDownscale: true, source: 'scale-to-zero', reason };
  }
  if (decision.desired >= 1) return decision;
  return {
    ...decision,
    desired: clamp(autoscaling, 1),
    reason: [decision.reason, `not idle for ${idleAfter} yet: keeping 1 room`]
      .filter(Boolean)
      .join('; '),
  };
}

/** Waiting allocations each need a free room on top of the rooms in use: never fewer, no downscale. */
function withWaiters(
  autoscaling: Autoscaling,
  counts: Readonly<Record<RoomStatus, number>>,
  waiters: number,
  decision: AutoscalerDecision,
): AutoscalerDecision {
  if (waiters === 0) return decision;
  const needed = clamp(autoscaling, counts.occupied + counts.allocated + waiters);
  const reason = `${waiters} allocation(s) waiting for a room`;
  return {
    ...decision,
    desired: Math.max(decision.desired, needed),
    canDownscale: false,
    reason: [decision.reason, reason].filter(Boolean).join('; '),
  };
}

function required<T>(parameters: T | undefined, type: string): T {
  if (parameters === undefined) throw new Error(`autoscaling policy ${type} has no parameters`);
  return parameters;
}
