/**
 * Asking a scheduler's autoscaling webhook, once per its `interval`, when the policy in force is a
 * webhook: the request from the rooms and the autoscaler's memory, the call, the decision (the
 * answer, or the fallback on any failure) stored for every plan to use. One caller per scheduler:
 * the runtime watcher's health watch (or, with the health watch off, the periodic health check).
 */
import { parseDuration } from '../domain/autoscaling/duration';
import { WEBHOOK_DEFAULTS, type WebhookParameters } from '../domain/autoscaling/policies';
import {
  isWebhookEvent,
  webhookDecision,
  webhookRequest,
  type WebhookRequest,
} from '../domain/autoscaling/webhook';
import type { Occupancy } from '../domain/health/autoscaling';
import { availableOf } from '../domain/health/health-plan';
import type { Scheduler } from '../domain/scheduler/scheduler';
import type {
  AutoscalerSnapshot,
  AutoscalerState,
  StoredWebhookDecision,
} from '../ports/autoscaler-state';
import type { AutoscalerWebhookMetrics, AutoscalingWebhook } from '../ports/autoscaling-webhook';
import { isFresh, webhookInForce } from './autoscaler-inputs';

export interface WebhookAskDeps {
  autoscaler: Pick<AutoscalerState, 'snapshot' | 'recordWebhookDecision' | 'webhookHistory'>;
  webhook: AutoscalingWebhook;
  webhookMetrics: AutoscalerWebhookMetrics;
}

/** What asking (or not, before the interval is over) gave. */
export interface WebhookAsk {
  /** The decision just made and stored; absent when the webhook was not due or not in force. */
  decision?: StoredWebhookDecision;
  /** The decision changed the source or the problem (`isWebhookEvent`): it was stored as an event. */
  isEvent: boolean;
  /** Epoch ms when the webhook is due next; absent when the policy in force is not a webhook. */
  nextCallAt?: number;
  /**
   * The autoscaler's memory as read at `now`, when nothing was stored since (the webhook was not
   * due): the plan's inputs may be made from it (`readAutoscalerInputs`' `snapshot`) instead of
   * a second read.
   */
  snapshot?: AutoscalerSnapshot;
}

/**
 * Calls the webhook in force when its interval has passed since the stored decision, and stores
 * the decision. Never throws for the webhook's sake (its failures are fallback decisions); the
 * call lasts at most its `timeout`.
 */
export async function askWebhookIfDue(
  deps: WebhookAskDeps,
  scheduler: Scheduler,
  occupancy: Occupancy,
  now: Date,
  /** The autoscaler's instant, which picks the policy in force (default `now`); calls keep real time. */
  policyAt: Date = now,
): Promise<WebhookAsk> {
  const webhook = webhookInForce(scheduler, policyAt);
  if (!webhook || !scheduler.autoscaling) return { isEvent: false };
  const intervalMs = durationMs(webhook.interval, WEBHOOK_DEFAULTS.interval);
  const snapshot = await deps.autoscaler.snapshot(scheduler.name, now);
  const { webhook: latest } = snapshot;
  const latestAt = latest ? Date.parse(latest.at) : undefined;
  if (latestAt !== undefined && latestAt <= now.getTime() && now.getTime() < latestAt + intervalMs)
    return { isEvent: false, nextCallAt: latestAt + intervalMs, snapshot };

  const { min, max } = scheduler.autoscaling;
  const isLatestFresh = latest !== undefined && isFresh(webhook, latest.at, now);
  const current = isLatestFresh && latest ? latest.desired : availableOf(occupancy.counts);
  const body = webhookRequest({
    scheduler: { name: scheduler.name, game: scheduler.game, version: scheduler.spec.version },
    occupancy,
    desired: current,
    min,
    max,
    history: await deps.autoscaler.webhookHistory(scheduler.name),
  });
  const decision = await decide(deps, scheduler, webhook, body, { current, occupancy, now });
  const isEvent = isWebhookEvent(latest, decision);
  await deps.autoscaler.recordWebhookDecision(scheduler.name, decision, { isEvent });
  return { decision, isEvent, nextCallAt: now.getTime() + intervalMs };
}

async function decide(
  deps: WebhookAskDeps,
  scheduler: Scheduler,
  webhook: WebhookParameters,
  body: WebhookRequest,
  context: { current: number; occupancy: Occupancy; now: Date },
): Promise<StoredWebhookDecision> {
  const startedAt = performance.now();
  const outcome = await deps.webhook.call({
    url: webhook.url,
    body,
    timeoutMs: durationMs(webhook.timeout, WEBHOOK_DEFAULTS.timeout),
    ...(webhook.caBundle !== undefined && { caBundle: webhook.caBundle }),
  });
  const { desired, canDownscale, source, note, problem } = webhookDecision(
    outcome,
    { fallback: webhook.fallback, current: context.current, min: body.min, max: body.max },
    context.occupancy,
  );
  deps.webhookMetrics.webhookCalled({
    scheduler: scheduler.name,
    game: scheduler.game,
    outcome: source === 'webhook' ? 'ok' : 'fallback',
    durationMs: performance.now() - startedAt,
  });
  return {
    at: context.now.toISOString(),
    desired,
    source,
    canDownscale,
    note,
    ...(problem !== undefined && { problem }),
  };
}

/** Rooms that count toward the scheduler's size (what `keep` keeps without an earlier answer). */
function durationMs(text: string, fallback: string): number {
  return parseDuration(text) ?? parseDuration(fallback) ?? 0;
}
