import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { createHttpApp } from '../../src/api/shared/http-app';
import { SamplingClass } from '../../src/api/shared/request-tracing';
import type { TracingConfig } from '../../src/config/load';
import { Tracing } from '../../src/main/infra/tracing';
import { inClientSpan } from '../../src/shared/tracing';
import { OtlpReceiver } from '../support/otlp-receiver';

const PING_ROUTE = '/scheduler/:scheduler_name/rooms/:room_name/ping';
const CALLER_TRACE = '0af7651916cd43dd8448eb211c80319c';
const CALLER_SPAN = 'b7ad6b7169203331';

function appWithRoutes(): FastifyInstance {
  const app = createHttpApp(pino({ level: 'silent' }), {
    tracing: {
      samplingClassOf: (method, route) =>
        method === 'PUT' && route === PING_ROUTE ? SamplingClass.PING : undefined,
    },
  });
  // Each handler makes a client span, as the real ones do around Redis and Temporal calls.
  app.get('/schedulers/:name', () =>
    inClientSpan('store read', { 'db.system.name': 'postgresql' }, () =>
      Promise.resolve({ ok: true }),
    ),
  );
  app.get('/boom', () => Promise.reject(new Error('exploded')));
  app.put(PING_ROUTE, () =>
    inClientSpan('redis room ping', { 'db.system.name': 'redis' }, () =>
      Promise.resolve({ success: true }),
    ),
  );
  return app;
}

describe('request tracing exported over OTLP', () => {
  let receiver: OtlpReceiver;
  let tracing: Tracing;
  let app: FastifyInstance;
  const savedEndpoint = process.env.OTEL_EXPORTER_OTLP_ENDPOINT;

  let baseUrl: string;

  const start = async (config: Partial<TracingConfig> = {}) => {
    // The exporter reads the standard variable, as in production.
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = receiver.endpoint;
    tracing = new Tracing({
      serviceName: 'maestro-under-test',
      sampler: { name: 'parentbased_always_on', ratio: 1 },
      pingSampleRatio: 0,
      ...config,
    });
    app = appWithRoutes();
    baseUrl = await app.listen({ host: '127.0.0.1', port: 0 });
  };

  const request = (method: string, path: string, headers: Record<string, string> = {}) =>
    fetch(`${baseUrl}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...headers },
      ...(method === 'PUT' && { body: '{}' }),
    });

  beforeEach(async () => {
    receiver = await OtlpReceiver.start();
  });

  afterEach(async () => {
    await app.close();
    await tracing.shutdown();
    await receiver.close();
    if (savedEndpoint === undefined) delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
    else process.env.OTEL_EXPORTER_OTLP_ENDPOINT = savedEndpoint;
  });

  it('exports a server span named by the route pattern, parent of the handler’s client span', async () => {
    await start();

    const response = await request('GET', '/schedulers/secret-name-42');
    await tracing.flush();

    expect(response.status).toBe(200);
    expect(receiver.refused).toBe(0);
    const server = receiver.span('GET /schedulers/:name');
    expect(server).toMatchObject({
      kind: 2,
      parentSpanId: '',
      scope: 'maestro',
      resource: { 'service.name': 'maestro-under-test' },
      attributes: {
        'http.request.method': 'GET',
        'http.route': '/schedulers/:name',
        'http.response.status_code': 200,
      },
    });
    expect(
      receiver.trace(server!.traceId).map(({ name, kind, parentSpanId }) => ({
        name,
        kind,
        parentSpanId,
      })),
    ).toEqual(
      expect.arrayContaining([{ name: 'store read', kind: 3, parentSpanId: server!.spanId }]),
    );
    expect(JSON.stringify(receiver.spans)).not.toContain('secret-name-42');
  });

  it('marks a server span as an error when the request fails with a 5xx', async () => {
    await start();

    const response = await request('GET', '/boom');
    await tracing.flush();

    expect(response.status).toBe(500);
    expect(receiver.span('GET /boom')).toMatchObject({
      statusCode: 2,
      attributes: { 'http.response.status_code': 500 },
    });
  });

  it('traces no ping at a ping ratio of 0 while other requests are traced', async () => {
    await start({ pingSampleRatio: 0 });

    for (let i = 0; i < 20; i++) await request('PUT', `/scheduler/s/rooms/room-${i}/ping`);
    await request('GET', '/schedulers/s');
    await tracing.flush();

    expect(receiver.spans.map((span) => span.name).sort()).toEqual([
      'GET /schedulers/:name',
      'store read',
    ]);
  });

  it('traces every ping with its Redis child span at a ping ratio of 1', async () => {
    await start({ pingSampleRatio: 1 });

    await request('PUT', '/scheduler/s/rooms/r/ping');
    await tracing.flush();

    const ping = receiver.span(`PUT ${PING_ROUTE}`);
    expect(ping?.attributes['maestro.sampling.class']).toBe('ping');
    expect(receiver.span('redis room ping')).toMatchObject({
      traceId: ping!.traceId,
      parentSpanId: ping!.spanId,
    });
  });

  it('exports no span for a request when its app is built without tracing', async () => {
    await start();
    const untraced = createHttpApp(pino({ level: 'silent' }));
    untraced.get('/schedulers/:name', () => ({ ok: true }));
    const untracedUrl = await untraced.listen({ host: '127.0.0.1', port: 0 });

    const response = await fetch(`${untracedUrl}/schedulers/s`);
    await untraced.close();
    await tracing.flush();

    expect(response.status).toBe(200);
    expect(receiver.spans).toEqual([]);
  });

  it("continues a caller's sampled trace (traceparent) even for pings", async () => {
    await start({ pingSampleRatio: 0 });

    await request('PUT', '/scheduler/s/rooms/r/ping', {
      traceparent: `00-${CALLER_TRACE}-${CALLER_SPAN}-01`,
    });
    await tracing.flush();

    expect(receiver.span(`PUT ${PING_ROUTE}`)).toMatchObject({
      traceId: CALLER_TRACE,
      parentSpanId: CALLER_SPAN,
    });
  });
});
