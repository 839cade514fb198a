/**
 * OpenTelemetry traces as an operator's collector receives them: maestro with tracing on
 * (MAESTRO_TRACING_ENABLED, the standard OTEL_EXPORTER_OTLP_ENDPOINT) exports over OTLP/HTTP to a
 * receiver speaking the protocol (test/support/otlp-receiver.ts), on the run's real Temporal,
 * PostgreSQL and Redis.
 */
import pino from 'pino';
import { freePort } from '../../scripts/local-infra/paths';
import { loadConfig } from '../../src/config/load';
import { startSystem, type System } from '../../src/main/system';
import { startTestForwarder, type TestForwarder } from '../support/forwarder-server';
import { maestroSchedulerBody } from '../support/management-api-http-fixture';
import { OperationsHarness } from '../support/operations-harness';
import { OtlpReceiver, type ReceivedSpan } from '../support/otlp-receiver';
import { eventually } from '../support/runtime-contract';

const log = pino({ level: 'silent' });

/** The chain of names from `span` up to the root of its trace, as the receiver got them. */
function ancestry(span: ReceivedSpan, spans: readonly ReceivedSpan[]): string[] {
  const names = [span.name];
  let current: ReceivedSpan | undefined = span;
  while (current?.parentSpanId) {
    const parentId: string = current.parentSpanId;
    current = spans.find((candidate) => candidate.spanId === parentId);
    names.push(current ? current.name : `(missing ${parentId})`);
  }
  return names.reverse();
}

describe('OpenTelemetry traces exported over OTLP', () => {
  const harness = new OperationsHarness();
  const scheduler = `traced-${harness.suffix}`;
  const saved = { ...process.env };
  let receiver: OtlpReceiver;
  let backend: TestForwarder;
  let system: System;
  let apiUrl: string;

  beforeAll(async () => {
    receiver = await OtlpReceiver.start();
    backend = await startTestForwarder();
    // The exporter and its batching read their standard variables, as in production.
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = receiver.endpoint;
    process.env.OTEL_BSP_SCHEDULE_DELAY = '100';
    // The harness gives stores, queues and ports; every module runs in one traced system here.
    await harness.start({
      without: ['worker', 'runtime-watcher', 'metrics-reporter', 'rooms-api'],
    });
    const apiPort = await freePort();
    apiUrl = `http://127.0.0.1:${apiPort}`;
    const config = loadConfig({
      ...harness.maestroEnvironment(),
      MAESTRO_TRACING_ENABLED: 'true',
      MAESTRO_TRACING_PING_SAMPLE_RATIO: '1',
      // One forward in flight per forwarder: concurrent pings' forwards queue behind each other.
      MAESTRO_FORWARDING_MAX_IN_FLIGHT: '1',
      OTEL_SERVICE_NAME: 'maestro-it',
      MAESTRO_MANAGEMENT_API_PORT: String(apiPort),
      MAESTRO_MANAGEMENT_API_GRPC_PORT: '0',
      MAESTRO_MANAGEMENT_API_INTERNAL_PORT: '0',
    });
    system = startSystem(
      ['management-api', 'worker', 'runtime-watcher', 'metrics-reporter', 'rooms-api'],
      config,
      log,
      (error) => harness.failures.push(error),
    );
    await system.started;
  }, 180_000);

  afterAll(async () => {
    await system.stop();
    await harness.stop();
    await receiver.close();
    await backend.close();
    process.env = saved;
  });

  afterEach(() => {
    expect(harness.failures).toEqual([]);
    expect(receiver.refused).toBe(0);
  });

  it('follows a scheduler creation from the HTTP request through the signal, the operation workflow and its activities in one trace', async () => {
    const created = await fetch(`${apiUrl}/schedulers`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(maestroSchedulerBody(harness, { name: scheduler, game: 'tennis' })),
    });
    expect(created.status).toBe(200);

    // Workflow spans arrive as they end: the operation's run once the operation finished.
    let request: ReceivedSpan | undefined;
    let activity: ReceivedSpan | undefined;
    await eventually(async () => {
      request = receiver.span('POST /schedulers');
      expect(request).toBeDefined();
      const spans = receiver.trace(request!.traceId);
      activity = spans.find(
        (span) =>
          span.name.startsWith('RunActivity:') && ancestry(span, spans)[0] === 'POST /schedulers',
      );
      expect(activity).toBeDefined();
    }, 60_000);

    const trace = receiver.trace(request!.traceId);
    expect(request).toMatchObject({
      kind: 2,
      parentSpanId: '',
      resource: { 'service.name': 'maestro-it' },
      attributes: { 'http.route': '/schedulers' },
    });
    expect(ancestry(activity!, trace)).toEqual([
      'POST /schedulers',
      'SignalWithStartWorkflow:schedulerWorkflow',
      'HandleSignal:enqueueOperation',
      'StartChildWorkflow:operationWorkflow',
      'RunWorkflow:operationWorkflow',
      expect.stringMatching(/^StartActivity:/),
      activity!.name,
    ]);
    const operationRun = trace.find((span) => span.name === 'RunWorkflow:operationWorkflow');
    expect(operationRun?.attributes).toMatchObject({
      'temporal.workflow.type': 'operationWorkflow',
      'temporal.task.queue': harness.taskQueue,
    });
    // The activity interceptor's own attribute name.
    expect(activity!.attributes.temporalWorkflowId).toBe(
      operationRun!.attributes['temporal.workflow.id'],
    );
  }, 90_000);

  it('traces a sampled ping with its Redis write as a child span', async () => {
    const answer = await fetch(
      `${harness.roomsApiAddress}/scheduler/${scheduler}/rooms/ghost/ping`,
      {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ status: 'ready', timestamp: Math.floor(Date.now() / 1000) }),
      },
    );
    expect(answer.status).toBe(200);

    let ping: ReceivedSpan | undefined;
    await eventually(async () => {
      ping = receiver.spans.find(
        (span) => span.kind === 2 && String(span.attributes['http.route']).endsWith('/ping'),
      );
      expect(ping).toBeDefined();
      expect(receiver.trace(ping!.traceId).map((span) => span.name)).toContain('redis room ping');
    }, 30_000);

    const redis = receiver.trace(ping!.traceId).find((span) => span.name === 'redis room ping');
    expect(ping!.name).not.toContain(scheduler);
    expect(ping!.attributes['maestro.sampling.class']).toBe('ping');
    expect(redis).toMatchObject({
      kind: 3,
      parentSpanId: ping!.spanId,
      attributes: {
        'db.system.name': 'redis',
        'maestro.scheduler': scheduler,
        'maestro.ping.outcome': 'room_not_found',
      },
    });
  }, 60_000);

  it("traces a sampled ping's forward to the game backend as a child span, queued or not", async () => {
    const forwarded = `traced-fwd-${harness.suffix}`;
    const created = await fetch(`${apiUrl}/schedulers`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        ...maestroSchedulerBody(harness, { name: forwarded, game: 'tennis' }),
        forwarders: [
          {
            name: 'backend',
            enable: true,
            type: 'gRPC',
            address: backend.address,
            options: { timeout: 5000 }, // the backend answers in 300 ms: no deadline on a busy CI
          },
        ],
      }),
    });
    expect(created.status).toBe(200);
    // A ready room, as the runtime watcher would have stored it.
    await harness.rooms.createRoom({ id: 'room-1', scheduler: forwarded, version: 'v1.0.0' });
    await harness.rooms.updateInstance(
      {
        id: 'room-1',
        scheduler: forwarded,
        version: 'v1.0.0',
        status: 'ready',
        address: { host: '10.0.0.5', ports: [{ name: 'game', protocol: 'TCP', port: 40500 }] },
        createdAt: new Date(),
      },
      { maxMatches: 1 },
    );

    // Several pings at once, the backend slow to answer: the forwarder's lane queues later ones
    // behind the first, and each forward still belongs to the trace of the ping that produced it
    // (not to that of the forward it waited for).
    backend.delayMs = 300;
    const pings = await Promise.all(
      ['ready', 'occupied', 'ready'].map((status) =>
        fetch(`${harness.roomsApiAddress}/scheduler/${forwarded}/rooms/room-1/ping`, {
          method: 'PUT',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ status, timestamp: Math.floor(Date.now() / 1000) }),
        }).then(async (answer) => (await answer.json()) as { success: boolean }),
      ),
    );
    expect(pings).toEqual([{ success: true }, { success: true }, { success: true }]);
    backend.delayMs = 0;

    let forwards: ReceivedSpan[] = [];
    await eventually(async () => {
      forwards = receiver.spans.filter(
        (span) =>
          span.name === 'forward SendRoomResync' &&
          span.attributes['maestro.room'] === 'room-1' &&
          receiver.trace(span.traceId).some((other) => other.spanId === span.parentSpanId),
      );
      expect(forwards.length).toBeGreaterThanOrEqual(2);
    }, 30_000);
    expect(backend.calls.length).toBeGreaterThanOrEqual(1);
    for (const forward of forwards) {
      const parent = receiver.trace(forward.traceId).find((s) => s.spanId === forward.parentSpanId);
      expect(parent?.attributes['maestro.sampling.class']).toBe('ping');
      expect(forward).toMatchObject({
        kind: 3,
        attributes: {
          'rpc.system': 'grpc',
          'rpc.service': 'eventforwarder.GRPCForwarder',
          'rpc.method': 'SendRoomResync',
          'server.address': backend.address,
          'maestro.forwarder': 'backend',
          'maestro.forward.outcome': 'OK',
        },
      });
    }
    // No two forwards share a ping: each one's context is its own request's.
    expect(new Set(forwards.map((forward) => forward.parentSpanId)).size).toBe(forwards.length);
  }, 60_000);
});
