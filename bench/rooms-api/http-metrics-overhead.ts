/**
 * What the HTTP request metrics cost a Rooms API request (the ping is the hot path): the same
 * fastify app with and without `measureHttpRequests`, pinged through `inject` (no sockets, so
 * the difference is the hooks and the observations, not the network), in alternating rounds;
 * then the Prometheus adapter alone. Prints microseconds per request.
 *
 *   node --import tsx bench/rooms-api/http-metrics-overhead.ts [requests per round]
 */
import pino from 'pino';
import { Registry } from 'prom-client';
import { PrometheusHttpMetrics } from '../../src/adapters/metrics/prometheus-http-metrics';
import { createHttpApp } from '../../src/api/shared/http-app';

const REQUESTS = Number(process.argv[2] ?? 20_000);
const ROUNDS = 5;

function pingApp(isMeasured: boolean) {
  const app = createHttpApp(pino({ level: 'silent' }), {
    ...(isMeasured && { metrics: new PrometheusHttpMetrics(new Registry(), 'rooms-api') }),
  });
  app.put('/scheduler/:scheduler_name/rooms/:room_name/ping', (_request, reply) =>
    reply.send({ success: true }),
  );
  return app;
}

async function microsPerRequest(app: ReturnType<typeof pingApp>): Promise<number> {
  const started = process.hrtime.bigint();
  for (let i = 0; i < REQUESTS; i++) {
    await app.inject({
      method: 'PUT',
      url: `/scheduler/s/rooms/room-${i % 100}/ping`,
      payload: '{}',
    });
  }
  return Number(process.hrtime.bigint() - started) / 1000 / REQUESTS;
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function main() {
  const plain = pingApp(false);
  const measured = pingApp(true);
  await Promise.all([plain.ready(), measured.ready()]);
  await microsPerRequest(plain); // warm-up
  await microsPerRequest(measured);
  const without: number[] = [];
  const with_: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    without.push(await microsPerRequest(plain));
    with_.push(await microsPerRequest(measured));
  }
  const metrics = new PrometheusHttpMetrics(new Registry(), 'rooms-api');
  const calls = 1_000_000;
  const started = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) {
    const handler = '/scheduler/:schedulerName/rooms/:roomID/ping';
    metrics.requestStarted(handler);
    metrics.responseSent({
      handler,
      method: 'PUT',
      code: 200,
      durationSeconds: 0.0004,
      sizeBytes: 16,
    });
    metrics.requestClosed(handler);
  }
  const adapterMicros = Number(process.hrtime.bigint() - started) / 1000 / calls;
  const result = {
    requestsPerRound: REQUESTS,
    rounds: ROUNDS,
    medianMicrosPerRequest: { without: median(without), with: median(with_) },
    overheadMicros: median(with_) - median(without),
    adapterMicrosPerRequest: adapterMicros,
  };
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

void main();
