/**
 * The autoscaling policies of issue #17 beyond Maestro's `roomOccupancy` and `fixedBuffer`:
 * `webhook` (an external service answers the desired rooms), `schedule` (time windows each naming
 * a policy) and `chain` (ordered entries, the first active one wins), and scale to zero. Plain
 * JSON, like the scheduler (`Scheduler.autoscaling.policy` is an `AutoscalingPolicyBlock`).
 */
import type { Window } from './window';

/** How the autoscaler computes the desired number of rooms. */
export const AutoscalingPolicyType = {
  ROOM_OCCUPANCY: 'roomOccupancy',
  FIXED_BUFFER: 'fixedBuffer',
} as const;
export type AutoscalingPolicyType =
  (typeof AutoscalingPolicyType)[keyof typeof AutoscalingPolicyType];

/** Keep `readyTarget` of the rooms ready; scale down only below `downThreshold` use of free slots. */
export interface RoomOccupancyParameters {
  /** Fraction of rooms to keep ready, in (0, 1). */
  readyTarget: number;
  /** Fraction in (0, 1); downscaling waits until the free slots are used below it. */
  downThreshold: number;
}

/** Keep `amount` rooms on top of the occupied and allocated ones. */
export interface FixedBufferParameters {
  amount: number;
}

/** Maestro's policies: computed from the rooms alone (also a webhook's fallback). */
export interface AutoscalingPolicy {
  type: AutoscalingPolicyType;
  /** The block matching `type` is required; the other one may be present and is kept. */
  parameters: {
    roomOccupancy?: RoomOccupancyParameters;
    fixedBuffer?: FixedBufferParameters;
  };
}

/** Every policy type, Maestro's two first. */
export const PolicyType = {
  ...AutoscalingPolicyType,
  WEBHOOK: 'webhook',
  SCHEDULE: 'schedule',
  CHAIN: 'chain',
} as const;
export type PolicyType = (typeof PolicyType)[keyof typeof PolicyType];

/** The policies a window, a chain entry or a default may name (schedules and chains do not nest). */
export const InnerPolicyType = {
  ROOM_OCCUPANCY: PolicyType.ROOM_OCCUPANCY,
  FIXED_BUFFER: PolicyType.FIXED_BUFFER,
  WEBHOOK: PolicyType.WEBHOOK,
} as const;
export type InnerPolicyType = (typeof InnerPolicyType)[keyof typeof InnerPolicyType];

/** The policies computed from the rooms alone (Maestro's two): a webhook's fallback may name them. */
export const LocalPolicyType = AutoscalingPolicyType;
export type LocalPolicyType = AutoscalingPolicyType;

/** A policy computed from the rooms alone: Maestro's `AutoscalingPolicy`. */
export type LocalPolicy = AutoscalingPolicy;

/** What to do when the webhook fails or answers nonsense. */
export type WebhookFallback = { type: 'keep' } | { type: 'policy'; policy: LocalPolicy };

/** POST the scheduler's state to `url`; the answer's `desired` is the target, clamped. */
export interface WebhookParameters {
  /** HTTPS URL. */
  url: string;
  /** Deadline of each call, e.g. `2s`. */
  timeout: string;
  /** PEM certificates trusted for `url`, in addition to the system's. */
  caBundle?: string;
  /** How often the webhook is asked, e.g. `15s`. */
  interval: string;
  fallback: WebhookFallback;
}

/** What an absent webhook setting becomes. */
export const WEBHOOK_DEFAULTS = { timeout: '2s', interval: '15s' } as const;

/** With `min: 0`: when an idle scheduler drains to zero, and how long allocations wait for a room. */
export interface ScaleToZero {
  /** No occupied or allocated room (and no waiting allocation) for this long: drain to zero. */
  idleAfter: string;
  /** How long `POST …/rooms/allocate` waits for a room by default when none is ready (`0s`: not). */
  allocateWait: string;
}

/** What an absent scale-to-zero setting becomes (also when `min` is 0 and the block is absent). */
export const SCALE_TO_ZERO_DEFAULTS: ScaleToZero = { idleAfter: '15m', allocateWait: '30s' };

/** A policy a window, a chain entry or a default names, with its parameters. */
export interface InnerPolicy {
  type: InnerPolicyType;
  parameters: LocalPolicy['parameters'] & { webhook?: WebhookParameters };
}

/** One window of a `schedule` policy and the policy it applies. */
export interface ScheduleWindow extends Window {
  policy: InnerPolicy;
}

/** Windows each naming a policy; the first active one applies, else `default`. */
export interface ScheduleParameters {
  windows: ScheduleWindow[];
  default: InnerPolicy;
}

/** One entry of a chain: active while its window is (always, without one). */
export interface ChainEntry {
  window?: Window;
  policy: InnerPolicy;
}

/** Entries evaluated in order; the first active one applies, else `default`. */
export interface ChainParameters {
  entries: ChainEntry[];
  default: InnerPolicy;
}

/** Any autoscaling policy, with the parameters of its type (and possibly of others, kept). */
export interface AutoscalingPolicyBlock {
  type: PolicyType;
  parameters: InnerPolicy['parameters'] & {
    schedule?: ScheduleParameters;
    chain?: ChainParameters;
  };
}
