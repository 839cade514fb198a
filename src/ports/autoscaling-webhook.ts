import type { WebhookOutcome, WebhookRequest } from '../domain/autoscaling/webhook';

/** One call of a scheduler's autoscaling webhook. */
export interface WebhookCall {
  /** HTTPS URL (validated with the scheduler). */
  url: string;
  /** The versioned request body (`webhookRequest`). */
  body: WebhookRequest;
  /** Deadline of the whole call (connect, TLS, answer), ms. */
  timeoutMs: number;
  /** PEM certificates trusted for `url` in addition to the system's. */
  caBundle?: string;
}

/**
 * The client of autoscaling webhooks. `call` POSTs the body as JSON and never throws: an answer
 * that is not a JSON body of a 2xx response (a timeout, a refused connection, an untrusted
 * certificate, `HTTP 503`, a redirect — never followed —, more than 64 KB, invalid JSON) is a
 * `failure` with a short message for the operation history. Safe to call concurrently.
 */
export interface AutoscalingWebhook {
  call(call: WebhookCall): Promise<WebhookOutcome>;
}

/** How a call to a scheduler's webhook went, for metrics. */
export interface WebhookCallRecord {
  scheduler: string;
  game: string;
  /** `ok`: the webhook's answer decided; `fallback`: the fallback did (failure or unusable answer). */
  outcome: 'ok' | 'fallback';
  durationMs: number;
}

/** What the autoscaler counts of its webhook calls (Prometheus in production). Must not throw. */
export interface AutoscalerWebhookMetrics {
  webhookCalled(record: WebhookCallRecord): void;
}
