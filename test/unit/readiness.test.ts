import type { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import { buildInternalServer } from '../../src/main/infra/internal-server';
import { checkReadiness, type ReadinessCheck } from '../../src/main/infra/readiness';

describe('checkReadiness', () => {
  it('is ready when every check resolves', async () => {
    const report = await checkReadiness(
      [
        { name: 'a', check: () => Promise.resolve() },
        { name: 'b', check: () => Promise.resolve() },
      ],
      100,
    );

    expect(report).toEqual({ ready: true, checks: { a: 'ok', b: 'ok' } });
  });

  it('names each failed dependency with its reason when checks reject or hang', async () => {
    const report = await checkReadiness(
      [
        { name: 'postgres', check: () => Promise.resolve() },
        { name: 'redis', check: () => Promise.reject(new Error('connection is reconnecting')) },
        { name: 'temporal', check: () => new Promise<void>(() => undefined) },
      ],
      50,
    );

    expect(report).toEqual({
      ready: false,
      checks: {
        postgres: 'ok',
        redis: 'connection is reconnecting',
        temporal: 'no answer within 50 ms',
      },
    });
  });
});

describe('internal server /readyz', () => {
  const build = (state: { started: boolean; accepting: boolean }, checks: ReadinessCheck[]) =>
    buildInternalServer({
      checks,
      registry: new Registry(),
      readinessTimeoutMs: 100,
      isAcceptingTraffic: () => state.accepting,
      isStarted: () => state.started,
    });
  const apps: ReturnType<typeof build>[] = [];
  const readyz = async (app: ReturnType<typeof build>) => {
    if (!apps.includes(app)) {
      apps.push(app);
      await app.listen({ host: '127.0.0.1', port: 0 });
    }
    const { port } = app.server.address() as AddressInfo;
    const response = await fetch(`http://127.0.0.1:${port}/readyz`);
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()));
  });
  const redisOk: ReadinessCheck = { name: 'redis', check: () => Promise.resolve() };

  it('is 503 until the module started, though its dependencies answer, then 200', async () => {
    const state = { started: false, accepting: true };
    const app = build(state, [redisOk]);

    const starting = await readyz(app);
    state.started = true;
    const started = await readyz(app);

    expect(starting).toEqual({
      status: 503,
      body: {
        status: 'unready',
        message: 'start: starting',
        checks: { redis: 'ok', start: 'starting' },
      },
    });
    expect(started).toEqual({ status: 200, body: { status: 'ready', checks: { redis: 'ok' } } });
  });

  it('is 503 naming the failed dependency, and once shutdown began', async () => {
    const state = { started: true, accepting: true };
    const app = build(state, [
      redisOk,
      { name: 'postgres', check: () => Promise.reject(new Error('connection refused')) },
    ]);

    const failing = await readyz(app);
    state.accepting = false;
    const stopping = await readyz(app);

    expect(failing.status).toBe(503);
    expect(failing.body['message']).toBe('postgres: connection refused');
    expect(stopping.body['checks']).toMatchObject({ shutdown: 'the module is shutting down' });
  });
});
