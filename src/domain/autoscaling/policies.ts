/**
 * The autoscaling policies of issue #17 beyond Maestro's `roomOccupancy` and `fixedBuffer`:
 * `webhook` (an external service answers the desired rooms), `schedule` (time windows each naming
 * a policy) and `chain` (ordered entries, the first active one wins). Plain JSON, like the
 * scheduler. Not wired into `Scheduler` yet: these types are the domain's side of that step.
 */
import { AutoscalingPolicyType, type AutoscalingPolicy } from '../scheduler/scheduler';
import type { Window } from './window';

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
  fallback: WebhookFallback;
}

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

/** The parts of the autoscaling block that issue #17 changes. */
export interface AutoscalingPolicies {
  /** 0 allows scaling to zero rooms. */
  min: number;
  /** -1: no limit. */
  max: number;
  policy: AutoscalingPolicyBlock;
}
