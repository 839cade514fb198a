import type { Counter, Histogram, Registry } from 'prom-client';
import type { AutoscalerWebhookMetrics, WebhookCallRecord } from '../../ports/autoscaling-webhook';
import { MAESTRO_LATENCY_BUCKETS_MS } from './prometheus-operation-metrics';
import { sharedCounter, sharedHistogram } from './prometheus-metric';

const LABELS = ['game', 'scheduler', 'outcome'];

/**
 * The autoscaling webhook's calls, in the registry of the process that calls it (the runtime
 * watcher; the worker when the health watch is off): `maestro_autoscaler_webhook_calls_total` and
 * `maestro_autoscaler_webhook_call_latency` (milliseconds, Maestro's latency buckets), both by
 * `outcome` — `ok` (the answer decided) or `fallback` (a failure or an unusable answer).
 */
export class PrometheusWebhookMetrics implements AutoscalerWebhookMetrics {
  private readonly calls: Counter;
  private readonly latency: Histogram;

  constructor(registry: Registry) {
    this.calls = sharedCounter(
      registry,
      'maestro_autoscaler_webhook_calls_total',
      'Calls of autoscaling webhooks, by outcome (ok: the answer decided; fallback: the fallback did).',
      LABELS,
    );
    this.latency = sharedHistogram(
      registry,
      'maestro_autoscaler_webhook_call_latency',
      'Milliseconds an autoscaling webhook call took (up to its timeout), by outcome.',
      LABELS,
      MAESTRO_LATENCY_BUCKETS_MS,
    );
  }

  webhookCalled(record: WebhookCallRecord): void {
    const labels = { game: record.game, scheduler: record.scheduler, outcome: record.outcome };
    this.calls.inc(labels);
    this.latency.observe(labels, record.durationMs);
  }
}
