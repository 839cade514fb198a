import path from 'node:path';
import { MODULE_NAMES, type ModuleName } from '../../src/config/load';
import { freePort, freePortRange } from '../../scripts/local-infra/paths';
import { startRedis, type RunningRedis } from '../../scripts/local-infra/redis';
import { createTestDatabase, sharedInfra, uniqueSuffix } from '../support/infra';
import {
  INTERNAL_PORT_VARIABLE,
  runMaestro,
  waitFor,
  type MaestroProcess,
} from '../support/maestro-process';

interface Readiness {
  status: number;
  body: { status: string; message?: string; checks: Record<string, string> };
}

describe('maestro start all', () => {
  const infra = sharedInfra();
  const suffix = uniqueSuffix();
  const ports = {} as Record<ModuleName, number>;
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let redis: RunningRedis;
  let redisPort: number;
  let maestro: MaestroProcess;

  const readiness = async (module: ModuleName): Promise<Readiness> => {
    const response = await fetch(`http://127.0.0.1:${ports[module]}/readyz`);
    return { status: response.status, body: (await response.json()) as Readiness['body'] };
  };
  const readinessOfAll = () => Promise.all(MODULE_NAMES.map(readiness));
  const startOwnRedis = () =>
    startRedis({
      dir: path.join(infra.workDir, `redis-${suffix}`),
      port: redisPort,
      durable: false,
    });

  beforeAll(async () => {
    database = await createTestDatabase();
    redisPort = await freePortRange(1); // Redis restarts on it: below the ephemeral range
    redis = await startOwnRedis();
    for (const module of MODULE_NAMES) ports[module] = await freePort();
    maestro = runMaestro(['start', 'all'], {
      MAESTRO_LOG_LEVEL: 'info',
      MAESTRO_BIND_HOST: '127.0.0.1',
      MAESTRO_POSTGRES_URL: database.url,
      MAESTRO_REDIS_URL: redis.url,
      MAESTRO_REDIS_KEY_PREFIX: `it-${suffix}:`,
      MAESTRO_TEMPORAL_ADDRESS: infra.temporalAddress,
      MAESTRO_TEMPORAL_TASK_QUEUE_PREFIX: `it-${suffix}`,
      MAESTRO_MANAGEMENT_API_PORT: String(await freePort()),
      MAESTRO_ROOMS_API_PORT: String(await freePort()),
      MAESTRO_MANAGEMENT_API_GRPC_PORT: String(await freePort()),
      MAESTRO_ROOMS_API_GRPC_PORT: String(await freePort()),
      ...Object.fromEntries(MODULE_NAMES.map((m) => [INTERNAL_PORT_VARIABLE[m], String(ports[m])])),
    });
  });

  afterAll(async () => {
    if (maestro.child.exitCode === null) maestro.child.kill('SIGKILL');
    await redis.process.stop();
    await database.drop();
  });

  it('answers 200 on every module /readyz when all dependencies answer', async () => {
    const reports = await waitFor(
      () => readinessOfAll().catch(() => []),
      (all) => all.length > 0 && all.every((r) => r.status === 200),
      90_000,
    );

    expect(reports.map((r) => r.status)).toEqual(MODULE_NAMES.map(() => 200));
    expect(reports.map((r) => Object.keys(r.body.checks).sort())).toEqual([
      ['postgres', 'redis', 'temporal'],
      ['postgres', 'redis'],
      ['postgres', 'redis', 'temporal', 'temporal-worker'],
      // The runtime watcher and the metrics reporter read schedulers (a deleted one ends them).
      ['postgres', 'redis', 'temporal', 'temporal-worker'],
      ['postgres', 'redis', 'temporal', 'temporal-worker'],
    ]);
  });

  it('answers 503 naming redis while Redis is down, and 200 again once it is back', async () => {
    await redis.process.kill();

    const whileDown = await waitFor(
      readinessOfAll,
      (all) => all.every((r) => r.status === 503),
      15_000,
    );
    expect(whileDown.map((r) => r.status)).toEqual(MODULE_NAMES.map(() => 503));
    for (const report of whileDown) {
      expect(report.body.message).toMatch(/^redis: /);
      expect(report.body.checks['redis']).not.toBe('ok');
    }

    redis = await startOwnRedis();
    const afterRestart = await waitFor(
      readinessOfAll,
      (all) => all.every((r) => r.status === 200),
      15_000,
    );
    expect(afterRestart.map((r) => r.status)).toEqual(MODULE_NAMES.map(() => 200));
  });

  it('serves Prometheus metrics on every internal port', async () => {
    for (const module of MODULE_NAMES) {
      const response = await fetch(`http://127.0.0.1:${ports[module]}/metrics`);
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('process_cpu_user_seconds_total');
    }
  });

  it("includes the Temporal SDK's worker metrics, once each, on the internal /metrics", async () => {
    const text = await waitFor(
      () => fetch(`http://127.0.0.1:${ports.worker}/metrics`).then((response) => response.text()),
      (body) => body.includes(`task_queue="it-${suffix}-operations"`),
      30_000,
    );

    expect(text).toMatch(
      new RegExp(`^temporal_\\w+\\{[^}]*task_queue="it-${suffix}-operations"`, 'm'),
    );
    expect(text).toContain('process_cpu_user_seconds_total');
    const families = [...text.matchAll(/^# TYPE (\S+)/gm)].map((match) => match[1]);
    expect(families.length).toBe(new Set(families).size);
  });

  it('drains the workers, closes everything and exits 0 when sent SIGTERM', async () => {
    maestro.child.kill('SIGTERM');
    const exit = await maestro.exited;

    expect(exit).toEqual({ code: 0, signal: null });
    const messages = maestro
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { msg: string; module?: string });
    const drained = messages
      .filter((m) => m.msg === 'temporal worker drained')
      .map((m) => m.module);
    expect(drained.sort()).toEqual(['metrics-reporter', 'runtime-watcher', 'worker']);
    expect(messages.filter((m) => m.msg === 'http api closed')).toHaveLength(2);
    expect(messages.at(-1)?.msg).toBe('stopped');
  });
});

describe('maestro start with an invalid configuration', () => {
  it('exits 1 listing every problem, each naming its variable', async () => {
    const maestro = runMaestro(['start', 'worker'], {
      MAESTRO_REDIS_URL: 'http://not-redis',
      MAESTRO_WORKER_INTERNAL_PORT: '70000',
      MAESTRO_LOG_LEVEL: 'loud',
      MAESTRO_REDIS_ULR: 'redis://typo',
    });

    const exit = await maestro.exited;

    expect(exit.code).toBe(1);
    const output = maestro.output();
    expect(output).toContain('MAESTRO_REDIS_URL: must use redis:// or rediss://');
    expect(output).toContain('MAESTRO_WORKER_INTERNAL_PORT: must be at most 65535');
    expect(output).toContain('MAESTRO_LOG_LEVEL: must be one of');
    expect(output).toContain('MAESTRO_REDIS_ULR: is not a maestro setting');
  });
});

describe('maestro start with an unknown module', () => {
  it('exits 2 with the usage', async () => {
    const maestro = runMaestro(['start', 'scheduler'], {});

    const exit = await maestro.exited;

    expect(exit.code).toBe(2);
    expect(maestro.output()).toContain('expected all, or one or more of management-api, rooms-api');
  });
});
