import type { Gauge, Histogram, Registry } from 'prom-client';
import type { HttpRequestMetrics, HttpResponseObservation } from '../../ports/http-metrics';
import { sharedGauge, sharedHistogram } from './prometheus-metric';

/** Prometheus' default buckets (client_golang's `DefBuckets`), in seconds, as Maestro used. */
const DURATION_BUCKETS_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** go-http-metrics' size buckets: 100 B to 1 GB, ×10 each (`ExponentialBuckets(100, 10, 8)`). */
const SIZE_BUCKETS_BYTES = [100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9];

type Child = ReturnType<Histogram['labels']>;
type GaugeChild = ReturnType<Gauge['labels']>;

/**
 * An HTTP API's request metrics under go-http-metrics' names and labels, as Maestro's APIs
 * exposed them: `http_request_duration_seconds` and `http_response_size_bytes`
 * `{service,handler,method,code}`, `http_requests_inflight{service,handler}`. `service` is the
 * module (`management-api`, `rooms-api`). The label children are kept per combination: a request
 * costs two map lookups and the observations.
 */
export class PrometheusHttpMetrics implements HttpRequestMetrics {
  private readonly duration: Histogram;
  private readonly size: Histogram;
  private readonly inflight: Gauge;
  private readonly responses = new Map<string, { duration: Child; size: Child }>();
  private readonly inflightByHandler = new Map<string, GaugeChild>();

  constructor(
    registry: Registry,
    private readonly service: string,
  ) {
    const labels = ['service', 'handler', 'method', 'code'];
    this.duration = sharedHistogram(
      registry,
      'http_request_duration_seconds',
      'The latency of the HTTP requests.',
      labels,
      DURATION_BUCKETS_SECONDS,
    );
    this.size = sharedHistogram(
      registry,
      'http_response_size_bytes',
      'The size of the HTTP responses.',
      labels,
      SIZE_BUCKETS_BYTES,
    );
    this.inflight = sharedGauge(
      registry,
      'http_requests_inflight',
      'The number of inflight requests being handled at the same time.',
      ['service', 'handler'],
    );
  }

  requestStarted(handler: string): void {
    this.inflightOf(handler).inc();
  }

  requestClosed(handler: string): void {
    this.inflightOf(handler).dec();
  }

  responseSent({ handler, method, code, durationSeconds, sizeBytes }: HttpResponseObservation) {
    const key = `${handler} ${method} ${code}`;
    let children = this.responses.get(key);
    if (!children) {
      const values = [this.service, handler, method, String(code)];
      children = { duration: this.duration.labels(...values), size: this.size.labels(...values) };
      this.responses.set(key, children);
    }
    children.duration.observe(durationSeconds);
    children.size.observe(sizeBytes);
  }

  private inflightOf(handler: string): GaugeChild {
    let child = this.inflightByHandler.get(handler);
    if (!child) {
      child = this.inflight.labels(this.service, handler);
      this.inflightByHandler.set(handler, child);
    }
    return child;
  }
}
