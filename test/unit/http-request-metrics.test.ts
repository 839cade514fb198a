import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { Registry } from 'prom-client';
import { PrometheusHttpMetrics } from '../../src/adapters/metrics/prometheus-http-metrics';
import { createHttpApp } from '../../src/api/shared/http-app';
import { handlerLabelOf } from '../../src/api/shared/http-request-metrics';

/** A listening fastify app with Maestro's conventions, measured into a fresh registry. */
async function measuredApp() {
  const registry = new Registry();
  const app = createHttpApp(pino({ level: 'silent' }), {
    metrics: new PrometheusHttpMetrics(registry, 'rooms-api'),
  });
  app.put('/scheduler/:scheduler_name/rooms/:room_name/ping', async () => ({ success: true }));
  app.get('/slow', () => new Promise((resolve) => setTimeout(() => resolve({ ok: true }), 300)));
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  apps.push(app);
  const request = (method: string, path: string, signal?: AbortSignal) =>
    fetch(`${url}${path}`, {
      method,
      ...(method === 'PUT' && { body: '{}' }),
      ...(signal && { signal }),
    }).then((response) => response.text());
  return { request, registry };
}

const apps: FastifyInstance[] = [];
afterEach(async () => {
  // Sockets of aborted and kept-alive requests are closed at once: waiting for them outlasted
  // the hook's 5 s once in a loaded CI run.
  await Promise.all(
    apps.splice(0).map((app) => {
      const closing = app.close();
      app.server.closeAllConnections();
      return closing;
    }),
  );
});

async function sample(registry: Registry, name: string, labels: Record<string, string>) {
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
  const values = (metric?.values ?? []) as Array<{
    labels: Record<string, string | number>;
    value: number;
    metricName?: string;
  }>;
  return values.find(
    (value) =>
      (value.metricName ?? name) === (name.endsWith('_inflight') ? name : `${name}_count`) &&
      Object.entries(labels).every(([key, expected]) => String(value.labels[key]) === expected),
  )?.value;
}

describe('HTTP request metrics', () => {
  it.each([
    [
      '/scheduler/:scheduler_name/rooms/:room_name/ping',
      '/scheduler/:schedulerName/rooms/:roomID/ping',
    ],
    ['/schedulers/:name', '/schedulers/:schedulerName'],
    [
      '/schedulers/:scheduler_name/operations/:operation_id/cancel',
      '/schedulers/:schedulerName/operations/:operationID/cancel',
    ],
    ['/schedulers/info', '/schedulers/info'],
    ['/codec/:namespace/decode', '/codec/:namespace/decode'],
  ])('labels route %s as Maestro named it: %s', (pattern, label) => {
    expect(handlerLabelOf(pattern)).toBe(label);
  });

  it('counts each request under its route pattern, method, code and service, never the raw path', async () => {
    const { request, registry } = await measuredApp();

    for (const room of ['room-1', 'room-2', 'room-3']) {
      await request('PUT', `/scheduler/s1/rooms/${room}/ping`);
    }
    await request('GET', '/no/such/path');

    const ping = {
      service: 'rooms-api',
      handler: '/scheduler/:schedulerName/rooms/:roomID/ping',
      method: 'PUT',
      code: '200',
    };
    expect(await sample(registry, 'http_request_duration_seconds', ping)).toBe(3);
    expect(await sample(registry, 'http_response_size_bytes', ping)).toBe(3);
    const unmatched = { service: 'rooms-api', handler: '', method: 'GET', code: '404' };
    expect(await sample(registry, 'http_request_duration_seconds', unmatched)).toBe(1);
    const text = await registry.metrics();
    expect(text).not.toContain('room-1');
    expect(text).toContain('http_response_size_bytes_bucket{le="100"');
  });

  it('shows a request in flight until its response is sent, and its duration after', async () => {
    const { request, registry } = await measuredApp();
    const slow = { service: 'rooms-api', handler: '/slow' };

    const pending = request('GET', '/slow');
    await new Promise((resolve) => setTimeout(resolve, 150));
    const during = await sample(registry, 'http_requests_inflight', slow);
    await pending;
    const after = await sample(registry, 'http_requests_inflight', slow);

    expect(during).toBe(1);
    expect(after).toBe(0);
    const text = await registry.metrics();
    // 300 ms: counted in the 0.5 s bucket, not in the 0.25 s one.
    expect(text).toMatch(
      /http_request_duration_seconds_bucket\{le="0.25",[^}]*handler="\/slow"[^}]*\} 0/,
    );
    expect(text).toMatch(
      /http_request_duration_seconds_bucket\{le="0.5",[^}]*handler="\/slow"[^}]*\} 1/,
    );
  });

  it('takes a request out of flight when its client goes away before the answer', async () => {
    const { request, registry } = await measuredApp();
    const slow = { service: 'rooms-api', handler: '/slow' };
    const client = new AbortController();

    const aborted = request('GET', '/slow', client.signal).catch(() => 'aborted');
    await new Promise((resolve) => setTimeout(resolve, 100));
    client.abort();
    await aborted;
    await new Promise((resolve) => setTimeout(resolve, 400));

    expect(await sample(registry, 'http_requests_inflight', slow)).toBe(0);
  });
});
