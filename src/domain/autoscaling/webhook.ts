/**
 * The pure parts of the webhook policy: the versioned request body maestro POSTs, reading the
 * answer, and what to do when there is no usable answer. The HTTP call itself is an activity's.
 *
 * Request (`apiVersion: autoscaling.maestro/v1`): `scheduler {name, game, version}`, `rooms` per
 * status, `occupancy {runningMatches, maxMatches}`, `desired` (the current target), `min`, `max`
 * (-1: no limit) and `history` (the last decisions, oldest first). Answer: `{apiVersion, desired}`
 * with `desired` a non-negative integer; maestro clamps it to [min, max].
 */
import type { RoomStatus } from '../game-room/status';
import { autoscale, clamp, type AutoscalingDecision, type Occupancy } from '../health/autoscaling';
import type { WebhookFallback } from './policies';

/** The version of the request and answer shapes. */
export const WEBHOOK_API_VERSION = 'autoscaling.maestro/v1';

/** How many past decisions a request carries. */
export const WEBHOOK_HISTORY_LENGTH = 10;

/** One past decision of the autoscaler. */
export interface PastDecision {
  /** ISO instant. */
  at: string;
  desired: number;
  /** The policy (or fallback) that decided, e.g. `webhook`, `fallback:keep`. */
  source: string;
}

/** What maestro knows when it calls the webhook. */
export interface WebhookState {
  scheduler: { name: string; game: string; version: string };
  occupancy: Occupancy;
  /** The desired rooms now. */
  desired: number;
  min: number;
  max: number;
  /** Past decisions, oldest first; only the last `WEBHOOK_HISTORY_LENGTH` are sent. */
  history: readonly PastDecision[];
}

/** The body maestro POSTs to the webhook. */
export interface WebhookRequest {
  apiVersion: typeof WEBHOOK_API_VERSION;
  scheduler: { name: string; game: string; version: string };
  rooms: Record<RoomStatus, number>;
  occupancy: { runningMatches: number; maxMatches: number };
  desired: number;
  min: number;
  max: number;
  history: PastDecision[];
}

/** The request body for `state`. */
export function webhookRequest(state: WebhookState): WebhookRequest {
  const { scheduler, occupancy, desired, min, max, history } = state;
  return {
    apiVersion: WEBHOOK_API_VERSION,
    scheduler: { ...scheduler },
    rooms: { ...occupancy.counts },
    occupancy: { runningMatches: occupancy.runningMatches, maxMatches: occupancy.maxMatches },
    desired,
    min,
    max,
    history: history.slice(-WEBHOOK_HISTORY_LENGTH).map((decision) => ({ ...decision })),
  };
}

/** A usable answer, clamped to [min, max], or why the answer is unusable. */
export type WebhookAnswer = { desired: number; wasClamped: boolean } | { problem: string };

/** Reads the parsed JSON body of the webhook's answer. */
export function readWebhookAnswer(
  body: unknown,
  bounds: { min: number; max: number },
): WebhookAnswer {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return { problem: `answer must be a JSON object, got ${describe(body)}` };
  const { apiVersion, desired } = body as Record<string, unknown>;
  if (apiVersion === undefined)
    return { problem: `apiVersion is required (${WEBHOOK_API_VERSION})` };
  if (apiVersion !== WEBHOOK_API_VERSION)
    return { problem: `apiVersion must be ${WEBHOOK_API_VERSION}, got ${describe(apiVersion)}` };
  if (desired === undefined) return { problem: 'desired is required' };
  if (typeof desired !== 'number' || !Number.isSafeInteger(desired) || desired < 0)
    return { problem: `desired must be a non-negative integer, got ${describe(desired)}` };
  const clamped = clamp(bounds, desired);
  return { desired: clamped, wasClamped: clamped !== desired };
}

/** What the webhook call produced: the parsed answer body, or why there is none (timeout…). */
export type WebhookOutcome = { body: unknown } | { failure: string };

/** The decision and the line for the operation history. */
export interface WebhookDecision extends AutoscalingDecision {
  source: 'webhook' | 'fallback:keep' | `fallback:${string}`;
  note: string;
  /** Why the webhook's answer was not used (a fallback's decision only). */
  problem?: string;
}

/**
 * The desired rooms from a webhook call: its answer when usable, else the declared fallback —
 * `keep` the current desired (clamped; never a downscale), or a named local policy.
 */
export function webhookDecision(
  outcome: WebhookOutcome,
  context: { fallback: WebhookFallback; current: number; min: number; max: number },
  occupancy: Occupancy,
): WebhookDecision {
  const answer = 'body' in outcome ? readWebhookAnswer(outcome.body, context) : undefined;
  if (answer && 'desired' in answer) {
    const clamped = answer.wasClamped ? ` (clamped to [${context.min}, ${context.max}])` : '';
    const note = `webhook answered ${answer.desired}${clamped}`;
    return { desired: answer.desired, canDownscale: true, source: 'webhook', note };
  }
  const problem = answer && 'problem' in answer ? answer.problem : failureOf(outcome);
  return fallbackDecision(context, occupancy, problem);
}

/** The declared fallback's decision after the webhook failed with `problem`. */
export function fallbackDecision(
  context: { fallback: WebhookFallback; current: number; min: number; max: number },
  occupancy: Occupancy,
  problem: string,
): WebhookDecision {
  const { fallback } = context;
  if (fallback.type === 'keep') {
    const desired = clamp(context, context.current);
    const note = `webhook unusable: ${problem}; fallback keeps ${desired} rooms`;
    return { desired, canDownscale: false, source: 'fallback:keep', note, problem };
  }
  const { policy } = fallback;
  const decision = autoscale({ min: context.min, max: context.max, policy }, occupancy);
  const note = `webhook unusable: ${problem}; fallback ${policy.type} wants ${decision.desired} rooms`;
  return { ...decision, source: `fallback:${policy.type}`, note, problem };
}

/**
 * Whether `next` is news for the operation history after `previous`: the first decision, another
 * source (the webhook answers again, a fallback takes over) or another problem (a timeout becomes
 * `HTTP 503`). The same source and problem again (other desired rooms included) is not.
 */
export function isWebhookEvent(
  previous: Pick<WebhookDecision, 'source' | 'problem'> | undefined,
  next: Pick<WebhookDecision, 'source' | 'problem'>,
): boolean {
  if (!previous) return true;
  return previous.source !== next.source || (previous.problem ?? '') !== (next.problem ?? '');
}

function failureOf(outcome: WebhookOutcome): string {
  return 'failure' in outcome ? outcome.failure : 'no answer';
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  const text = JSON.stringify(value) ?? '';
  return typeof value === 'string' ? text : `${typeof value} ${text}`;
}
