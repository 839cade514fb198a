/**
 * While the Temporal server is down, a worker's logs stay what a log pipeline can parse: the
 * native core's retry warnings (by default printed by the core itself as coloured text) come out
 * as pino JSON lines like every other log of maestro.
 */
import { freePort } from '../../scripts/local-infra/paths';
import { createTestDatabase, sharedInfra, uniqueSuffix } from '../support/infra';
import { RestartableTemporal } from '../support/chaos-outages';
import { runMaestro, waitFor, type MaestroProcess } from '../support/maestro-process';

describe('maestro worker logs while Temporal is down', () => {
  const temporal = new RestartableTemporal();
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let maestro: MaestroProcess;

  beforeAll(async () => {
    await temporal.start();
    database = await createTestDatabase();
  });

  afterAll(async () => {
    if (maestro?.child.exitCode === null) {
      maestro.child.kill('SIGKILL');
      await maestro.exited;
    }
    await temporal.start(); // stopped for good, not left killed
    await temporal.stop();
    await database?.drop();
  });

  it("writes the Temporal core's warnings as JSON log lines, and nothing else", async () => {
    const suffix = uniqueSuffix();
    maestro = runMaestro(['start', 'worker'], {
      MAESTRO_LOG_LEVEL: 'info',
      MAESTRO_BIND_HOST: '127.0.0.1',
      MAESTRO_POSTGRES_URL: database.url,
      MAESTRO_REDIS_URL: sharedInfra().redisUrl,
      MAESTRO_REDIS_KEY_PREFIX: `it-${suffix}:`,
      MAESTRO_TEMPORAL_ADDRESS: temporal.address,
      MAESTRO_TEMPORAL_TASK_QUEUE_PREFIX: `it-${suffix}`,
      MAESTRO_WORKER_INTERNAL_PORT: String(await freePort()),
    });
    const started = await waitFor(
      async () => maestro.output(),
      (output) => output.includes('temporal worker polling'),
      60_000,
    );
    expect(started).toContain('temporal worker polling');

    await temporal.kill();
    const lines = async () => maestro.output().split('\n').filter(Boolean);
    const coreWarnings = (all: string[]) =>
      all.filter((line) => line.includes('retried') && line.includes('poll_'));
    const afterOutage = await waitFor(lines, (all) => coreWarnings(all).length > 0, 90_000);

    expect(coreWarnings(afterOutage).length).toBeGreaterThan(0);
    for (const line of afterOutage) expect(() => JSON.parse(line) as unknown).not.toThrow();
    for (const line of coreWarnings(afterOutage)) {
      expect(JSON.parse(line)).toMatchObject({ level: 'warn', component: 'temporal' });
    }
  });
});
