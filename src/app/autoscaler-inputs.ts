/**
 * What the autoscaler knows besides the rooms, read where a health plan is made (the health
 * watch, the health controller's activities, the metrics reporter): the scheduler's activity for
 * scale to zero, the webhook's latest decision, the allocations waiting for a room.
 */
import { isBusy, policyInForce, scaleToZeroOf } from '../domain/autoscaling/decide';
import { parseDuration } from '../domain/autoscaling/duration';
import { PolicyType, type WebhookParameters } from '../domain/autoscaling/policies';
import type { RoomStatus } from '../domain/game-room/status';
import type { AutoscalerInputs } from '../domain/health/health-plan';
import type { Scheduler } from '../domain/scheduler/scheduler';
import type { AutoscalerSnapshot, AutoscalerState } from '../ports/autoscaler-state';

/** A webhook decision older than this many of its intervals no longer drives the plan. */
export const WEBHOOK_STALE_INTERVALS = 3;

/** While rooms are in use, their activity is recorded at least this often (scale to zero). */
export const ACTIVITY_REFRESH_MS = 60_000;

/** The inputs, and when the plan could change with no room changing (an idle deadline). */
export interface AutoscalerReading {
  inputs: AutoscalerInputs;
  /** Epoch ms: the scheduler turns idle then, or its activity is due to be recorded again. */
  nextAt?: number;
  /** A webhook decision changed source or problem then (ISO); no operation recorded it yet. */
  webhookEventAt?: string;
}

/**
 * The autoscaler's inputs for a plan of `scheduler` at `now` (none when autoscaling is off).
 * `options.at` is the autoscaler's instant (the autoscaling clock; default `now`): schedules,
 * activity and idle times go by it, waiting allocations' deadlines by `now`. With
 * `recordsActivity`, rooms in use (or waiting allocations) record it as the last activity: the
 * idle time of scale to zero counts from the last plan that saw them. `options.snapshot` is the
 * autoscaler's memory already read at `now` (by `askWebhookIfDue`), read again when absent.
 */
export async function readAutoscalerInputs(
  state: Pick<AutoscalerState, 'snapshot' | 'markActive'>,
  scheduler: Scheduler,
  counts: Readonly<Record<RoomStatus, number>>,
  now: Date,
  options: {
    recordsActivity: boolean;
    at?: Date | undefined;
    snapshot?: AutoscalerSnapshot | undefined;
  },
): Promise<AutoscalerReading> {
  const { autoscaling } = scheduler;
  if (!autoscaling?.enabled) return { inputs: {} };
  const at = options.at ?? now;
  const snapshot = options.snapshot ?? (await state.snapshot(scheduler.name, now));
  const busy = isBusy(counts, snapshot.waiters);
  if (busy && options.recordsActivity) await state.markActive(scheduler.name, at);
  const lastActiveAt = busy
    ? at.toISOString()
    : (snapshot.lastActiveAt ?? scheduler.createdAt ?? undefined);
  const inputs: AutoscalerInputs = {
    at,
    waiters: snapshot.waiters,
    ...(lastActiveAt !== undefined && { lastActiveAt }),
    ...(snapshot.webhook &&
      isFreshInForce(scheduler, snapshot.webhook.at, now, at) && { webhook: snapshot.webhook }),
  };
  const event = snapshot.webhookEventAt !== undefined && {
    webhookEventAt: snapshot.webhookEventAt,
  };
  if (autoscaling.min !== 0) return { inputs, ...event };
  // The idle deadline in the autoscaler's time, then as a real instant.
  const idleAfterMs = parseDuration(scaleToZeroOf(autoscaling).idleAfter) ?? 0;
  const dueAt = busy
    ? at.getTime() + Math.min(ACTIVITY_REFRESH_MS, idleAfterMs)
    : lastActiveAt !== undefined
      ? Date.parse(lastActiveAt) + idleAfterMs
      : undefined;
  if (dueAt === undefined || dueAt <= at.getTime()) return { inputs, ...event };
  return { inputs, ...event, nextAt: now.getTime() + (dueAt - at.getTime()) };
}

/** The webhook of the policy in force at `now`, if it is one. */
export function webhookInForce(scheduler: Scheduler, now: Date): WebhookParameters | undefined {
  const { autoscaling } = scheduler;
  if (!autoscaling?.enabled) return undefined;
  const { policy } = policyInForce(autoscaling.policy, now);
  return policy.type === PolicyType.WEBHOOK ? policy.parameters.webhook : undefined;
}

/** Whether `webhook`'s decision made at `at` may still drive the plan (by real time `now`). */
export function isFresh(webhook: WebhookParameters, at: string, now: Date): boolean {
  const intervalMs = parseDuration(webhook.interval);
  if (intervalMs === undefined) return false;
  return now.getTime() - Date.parse(at) <= WEBHOOK_STALE_INTERVALS * intervalMs;
}

/** `isFresh` for the webhook in force at `policyAt` (false when none is). */
function isFreshInForce(scheduler: Scheduler, at: string, now: Date, policyAt: Date): boolean {
  const webhook = webhookInForce(scheduler, policyAt);
  return webhook !== undefined && isFresh(webhook, at, now);
}
