import { mkdtempSync, readFileSync } from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { ensureDatabase } from '../../scripts/local-infra/postgres';
import { LocalRuntime } from '../../src/adapters/runtime/local/local-runtime';
import { freePort } from '../../scripts/local-infra/paths';
import { loadConfig, MODULE_NAMES } from '../../src/config/load';
import { environmentSchema } from '../../src/config/schema';
import { maestroSearchAttributes } from '../../workflows/search-attributes';
import {
  loadComposeProject,
  repositoryRoot,
  type ComposeProject,
} from '../support/compose-project';
import {
  run,
  runJob,
  schemaVersions,
  sqlConnection,
  startTemporalServer,
  temporalCli,
  type RunningTemporal,
} from '../support/compose-temporal';
import { sharedInfra, uniqueSuffix } from '../support/infra';
import { runMaestro, waitFor, type MaestroProcess } from '../support/maestro-process';

/**
 * docker-compose.yml run as its containers would run, without Docker (see compose-temporal.ts):
 * the temporal-schema job, the temporalio/server image's start and healthcheck, the
 * temporal-namespace job, then maestro with the maestro service's environment and the README's
 * "try a room" with examples/schedulers/game-room.json. One server for the whole file, in order.
 */
describe('docker-compose.yml run without Docker', () => {
  let project: ComposeProject;
  let temporal: RunningTemporal | undefined;
  let maestro: MaestroProcess | undefined;
  const stateDir = mkdtempSync(path.join(sharedInfra().workDir, 'compose-rooms-'));
  const postgres = new URL(sharedInfra().postgresAdminUrl);
  const service = (name: string) => project.services[name]!;
  const imageVersion = () => service('temporal').image!.split(':')[1]!;

  beforeAll(async () => ({ project } = await loadComposeProject()));
  afterAll(async () => {
    maestro?.child.kill('SIGTERM');
    await maestro?.exited;
    // Rooms outlive maestro (detached room keepers): end the example's, as the harness does.
    const runtime = new LocalRuntime(
      { stateDir, advertisedHost: '127.0.0.1', pollIntervalMs: 100 },
      pino({ level: 'silent' }),
    );
    await runtime.deleteSchedulerSpace('game-room');
    await temporal?.server.stop();
  });

  it('builds its Temporal tools at the version of the server image', () => {
    const goMod = readFileSync(path.join(repositoryRoot, 'test/compose/temporal/go.mod'), 'utf8');

    expect(goMod).toMatch(new RegExp(`go\\.temporal\\.io/server v${imageVersion()}\\n`));
  });

  it('temporal-schema creates both databases, and running it again changes nothing', async () => {
    await runJob(service('temporal-schema'), sqlConnection(postgres));
    const first = await schemaVersions(postgres);
    const second = await runJob(service('temporal-schema'), sqlConnection(postgres));

    expect(second.stdout).toContain('temporal-schema: done');
    expect(await schemaVersions(postgres)).toEqual(first);
    expect(Number(first['temporal'])).toBeGreaterThan(1);
    expect(Number(first['temporal_visibility'])).toBeGreaterThan(1);
  }, 240_000);

  it('temporal starts from its compose environment and passes its healthcheck', async () => {
    const workDir = mkdtempSync(path.join(sharedInfra().workDir, 'compose-temporal-'));

    temporal = await startTemporalServer(service('temporal'), imageVersion(), postgres, workDir);

    expect(temporal.address).toMatch(/^127\.0\.0\.1:\d+$/);
  }, 120_000);

  it('temporal-namespace registers the namespace maestro uses, and leaves it as it is after', async () => {
    const job = service('temporal-namespace');
    const namespace = job.environment!['TEMPORAL_NAMESPACE']!;

    const first = await runJob(job, { TEMPORAL_ADDRESS: temporal!.address });
    const second = await runJob(job, { TEMPORAL_ADDRESS: temporal!.address });

    expect(first.stdout).toContain(`${namespace} created`);
    expect(second.stdout).toContain(`${namespace} already exists`);
    expect(second.stdout).toContain(`${namespace} is served`);
    await temporalCli(temporal!.address, 'operator', 'namespace', 'describe', '-n', namespace);
  }, 120_000);

  it('maestro, set up as the compose maestro service, gives the example scheduler its rooms', async () => {
    const env = await maestroEnvironment();
    const migrate = runMaestro(['migrate'], env);
    expect((await migrate.exited).code).toBe(0);
    await ensureSearchAttributes(env['MAESTRO_TEMPORAL_NAMESPACE']!);
    maestro = runMaestro(['start', 'all'], env);
    const api = (port: string, route: string, init?: RequestInit) =>
      fetch(`http://127.0.0.1:${env[port]}${route}`, init);
    await waitFor(
      () =>
        api('MAESTRO_MANAGEMENT_API_INTERNAL_PORT', '/readyz').then(
          (r) => r.ok,
          () => false,
        ),
      Boolean,
      60_000,
    );

    const example = readFileSync(
      path.join(repositoryRoot, 'examples/schedulers/game-room.json'),
      'utf8',
    );
    const body = example.replace('127.0.0.1:8070', `127.0.0.1:${env['MAESTRO_ROOMS_API_PORT']}`);
    const created = await api('MAESTRO_MANAGEMENT_API_PORT', '/schedulers', {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json' },
    });
    expect(created.status).toBe(200);
    const ready = await waitFor(
      async () => {
        const info = await api('MAESTRO_MANAGEMENT_API_PORT', '/schedulers/info?game=sample');
        return ((await info.json()) as { schedulers: { roomsReady: number }[] }).schedulers[0]
          ?.roomsReady;
      },
      (count) => count === 2,
      90_000,
    );
    expect(ready).toBe(2);
    await run(process.execPath, ['-e', maestroHealthcheck(env)]); // rejects unless it exits 0
    const allocated = (await (
      await api('MAESTRO_ROOMS_API_PORT', '/scheduler/game-room/rooms/allocate', { method: 'POST' })
    ).json()) as { roomId: string; host: string; ports: { port: number }[] };
    const room = await fetch(`http://${allocated.host}:${allocated.ports[0]!.port}/status`);

    expect(allocated.ports[0]!.port).toBeGreaterThanOrEqual(40000);
    expect(allocated.ports[0]!.port).toBeLessThanOrEqual(40049);
    expect(await room.json()).toMatchObject({ roomId: allocated.roomId, scheduler: 'game-room' });
  }, 240_000);

  /** The maestro service's healthcheck script, aimed at this run's internal ports. */
  function maestroHealthcheck(env: Record<string, string>): string {
    let script = service('maestro').healthcheck!.test[3]!;
    const [defaults, ours] = [loadConfig({}), loadConfig(env)].map((c) => c.internalServers);
    for (const module of MODULE_NAMES) {
      const [from, to] = [defaults![module].port, ours![module].port];
      if (!script.includes(String(from))) throw new Error(`healthcheck misses ${module} (${from})`);
      script = script.replace(String(from), String(to));
    }
    return script;
  }

  /** The maestro service's environment, with this run's services, ports and state directory. */
  async function maestroEnvironment(): Promise<Record<string, string>> {
    const ports = Object.keys(environmentSchema.shape).filter((name) => name.endsWith('_PORT'));
    const env: Record<string, string> = {
      ...service('maestro').environment,
      MAESTRO_POSTGRES_URL: await ensureDatabase(
        sharedInfra().postgresAdminUrl,
        `compose_${uniqueSuffix()}`,
      ),
      MAESTRO_REDIS_URL: sharedInfra().redisUrl,
      MAESTRO_REDIS_KEY_PREFIX: `compose-${uniqueSuffix()}:`,
      MAESTRO_TEMPORAL_ADDRESS: temporal!.address,
      MAESTRO_LOCAL_RUNTIME_DIR: stateDir,
      MAESTRO_HEALTH_CONTROLLER_INTERVAL_MS: '1000', // 60 s by default: rooms come sooner
    };
    for (const name of ports) env[name] = String(await freePort());
    return env;
  }

  /** What `maestro migrate` does once it registers search attributes itself (#12): the missing ones. */
  async function ensureSearchAttributes(namespace: string) {
    const { stdout } = await temporalCli(
      temporal!.address,
      'operator',
      'search-attribute',
      'list',
      '-n',
      namespace,
    );
    for (const key of maestroSearchAttributes.filter((k) => !stdout.includes(k.name))) {
      await temporalCli(
        temporal!.address,
        'operator',
        'search-attribute',
        'create',
        '-n',
        namespace,
        '--name',
        key.name,
        '--type',
        'Keyword',
      );
    }
  }
});
