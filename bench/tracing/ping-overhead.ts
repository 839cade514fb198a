/**
 * Tracing's cost per ping (`npm run bench:tracing`): the Rooms API's HTTP app (createHttpApp with
 * the ping route's sampling class) answering pings whose handler makes the Redis client span, in
 * three modes — tracing off (built as the composition root then builds it: no request hooks, no
 * Redis span), on with the default ping ratio (0.01), on with every ping traced — exported over
 * OTLP/HTTP to a local sink. Requests go through fastify's `inject` (no sockets), so
 * the figure is the CPU tracing adds to a ping, not a ping's latency. Modes alternate in rounds
 * and each mode's median round is kept (the machine is shared). Writes
 * bench/results/tracing-ping-overhead.json.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { createHttpApp } from '../../src/api/shared/http-app';
import { SamplingClass } from '../../src/api/shared/request-tracing';
import { Tracing } from '../../src/main/infra/tracing';
import { inClientSpan } from '../../src/shared/tracing';
import { commandLine, machineInfo, round, setting, writeResult } from '../support/results';

const PING_ROUTE = '/scheduler/:scheduler_name/rooms/:room_name/ping';
const REQUESTS_PER_ROUND = setting('BENCH_REQUESTS', 5_000);
const ROUNDS = setting('BENCH_ROUNDS', 7);
const MODES = [
  { name: 'off', pingSampleRatio: undefined },
  { name: 'on, 1% of pings', pingSampleRatio: 0.01 },
  { name: 'on, every ping', pingSampleRatio: 1 },
] as const;

function pingApp(isTraced: boolean) {
  const app = createHttpApp(pino({ level: 'silent' }), {
    ...(isTraced && {
      tracing: {
        samplingClassOf: (method: string, route: string) =>
          method === 'PUT' && route === PING_ROUTE ? SamplingClass.PING : undefined,
      },
    }),
  });
  const write = () => Promise.resolve({ success: true });
  app.put(
    PING_ROUTE,
    isTraced ? () => inClientSpan('redis room ping', { 'db.system.name': 'redis' }, write) : write,
  );
  return app;
}

/** Microseconds of one round of pings in `mode`. */
async function round_(pingSampleRatio: number | undefined): Promise<number> {
  const tracing =
    pingSampleRatio === undefined
      ? undefined
      : new Tracing({
          serviceName: 'bench',
          sampler: { name: 'parentbased_always_on', ratio: 1 },
          pingSampleRatio,
        });
  const app = pingApp(tracing !== undefined);
  await app.ready();
  const started = process.hrtime.bigint();
  for (let i = 0; i < REQUESTS_PER_ROUND; i++) {
    await app.inject({
      method: 'PUT',
      url: `/scheduler/bench/rooms/room-${i}/ping`,
      payload: '{"status":"ready","timestamp":1}',
      headers: { 'content-type': 'application/json' },
    });
  }
  const micros = Number(process.hrtime.bigint() - started) / 1_000 / REQUESTS_PER_ROUND;
  await tracing?.shutdown();
  await app.close();
  return micros;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1] ?? 0;

async function main() {
  const machine = machineInfo();
  // An OTLP endpoint that accepts and discards: what a collector costs maestro is the export.
  const sink = createServer((request, response) => {
    request.resume().on('end', () => response.writeHead(200).end());
  });
  await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
  process.env.OTEL_EXPORTER_OTLP_ENDPOINT = `http://127.0.0.1:${(sink.address() as AddressInfo).port}`;
  const rounds: Record<string, number[]> = Object.fromEntries(MODES.map((m) => [m.name, []]));
  await round_(undefined); // warm-up
  for (let r = 0; r < ROUNDS; r++) {
    for (const mode of MODES) rounds[mode.name]!.push(await round_(mode.pingSampleRatio));
  }
  sink.close();
  const off = median(rounds.off!);
  writeResult('tracing-ping-overhead', {
    command: commandLine(),
    machine,
    requestsPerRound: REQUESTS_PER_ROUND,
    rounds: ROUNDS,
    microsecondsPerPing: Object.fromEntries(
      MODES.map((mode) => [mode.name, round(median(rounds[mode.name]!), 1)]),
    ),
    addedMicrosecondsPerPing: Object.fromEntries(
      MODES.filter((mode) => mode.name !== 'off').map((mode) => [
        mode.name,
        round(median(rounds[mode.name]!) - off, 1),
      ]),
    ),
  });
}

void main();
