/**
 * PostgreSQL restarted (fast shutdown, then started again on its data) during a burst of scheduler
 * creates and patches through a running `maestro start all`: every request answers 200 or 503
 * naming PostgreSQL (never 500, never a hang); what answered 200 runs its operation; a create that
 * answered 503, repeated as the message says, creates the scheduler once; no scheduler is left
 * half created.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { freePort } from '../../scripts/local-infra/paths';
import {
  ensureDatabase,
  startPostgres,
  type PostgresOptions,
  type RunningPostgres,
} from '../../scripts/local-infra/postgres';
import { migrate } from '../../src/adapters/postgres/migrate';
import { fastShutdown, timedCall, type TimedAnswer } from '../support/chaos-outages';
import { sharedInfra, uniqueSuffix, testPool } from '../support/infra';
import { waitFor } from '../support/maestro-process';
import { startMaestroProcess, type MaestroSystemProcess } from '../support/maestro-system-process';
import { eventually } from '../support/runtime-contract';
import { schedulerDefinition } from '../support/test-scheduler';

const CREATES = 12;
const PATCHES = 6;
/** Between two requests of the burst: it spans the whole restart. */
const SPACING_MS = 300;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('scheduler creates and patches while PostgreSQL restarts', () => {
  const suffix = uniqueSuffix();
  const runtimeDir = mkdtempSync(path.join(os.tmpdir(), 'maestro-chaos-pg-'));
  let options: PostgresOptions;
  let postgres: RunningPostgres;
  let maestro: MaestroSystemProcess;
  let roomsApiUrl: string;

  beforeAll(async () => {
    options = {
      dir: path.join(sharedInfra().workDir, `chaos-postgres-${suffix}`),
      port: await freePort(),
      user: 'maestro',
      password: `chaos-${suffix}`,
      durable: true,
    };
    postgres = await startPostgres(options);
    const url = await ensureDatabase(postgres.adminUrl, 'maestro');
    const pool = testPool(url, 10);
    await migrate(pool, pino({ level: 'silent' }));
    await pool.end();
    const roomsApiPort = await freePort();
    roomsApiUrl = `http://127.0.0.1:${roomsApiPort}`;
    maestro = await startMaestroProcess(url, {
      MAESTRO_ROOMS_API_PORT: String(roomsApiPort),
      MAESTRO_LOG_LEVEL: 'warn',
      MAESTRO_TEMPORAL_ADDRESS: sharedInfra().temporalAddress,
      MAESTRO_RUNTIME: 'local',
      MAESTRO_LOCAL_RUNTIME_DIR: runtimeDir,
    });
    await maestro.waitForReadiness(['management-api', 'worker'], 200);
  });

  afterAll(async () => {
    await maestro?.stop();
    await postgres?.process.stop();
    rmSync(runtimeDir, { recursive: true, force: true });
  });

  const url = (route: string) => `${maestro.managementApiUrl}${route}`;
  const create = (name: string) => timedCall(url('/schedulers'), 'POST', httpScheduler(name));
  const patch = (name: string) =>
    timedCall(url(`/schedulers/${name}`), 'PATCH', { maxSurge: '50%' });

  it('answers 200 or 503 naming PostgreSQL and leaves no scheduler half created when PostgreSQL restarts mid-burst', async () => {
    const patched = Array.from({ length: PATCHES }, (_, i) => `chaos-pg-p${i}-${suffix}`);
    const created = Array.from({ length: CREATES }, (_, i) => `chaos-pg-c${i}-${suffix}`);
    for (const name of patched) expect((await create(name)).status).toBe(200);
    await Promise.all(patched.map(isInSync));

    const unseen = `chaos-pg-unseen-${suffix}`;
    const restart = (async () => {
      await sleep(2 * SPACING_MS);
      await fastShutdown(postgres.process);
      const whileDown = await Promise.all([
        timedCall(url('/schedulers'), 'GET'),
        timedCall(url(`/schedulers/${patched[0]!}`), 'GET'),
        // The Rooms API has never read this scheduler: it must ask PostgreSQL.
        timedCall(`${roomsApiUrl}/scheduler/${unseen}/rooms/room-1/ping`, 'PUT', {
          status: 'ready',
        }),
        timedCall(`${roomsApiUrl}/scheduler/${unseen}/rooms/allocate`, 'POST', {}),
      ]);
      postgres = await startPostgres(options);
      return whileDown;
    })();
    const creates: Array<Promise<TimedAnswer>> = [];
    const patches: Array<Promise<TimedAnswer>> = [];
    for (let i = 0; i < CREATES; i++) {
      creates.push(create(created[i]!));
      if (i < PATCHES) patches.push(patch(patched[i]!));
      await sleep(SPACING_MS);
    }
    const [createAnswers, patchAnswers] = [await Promise.all(creates), await Promise.all(patches)];
    const whileDown = await restart;

    for (const answer of whileDown) expectPostgresUnavailable(answer);
    const answers = [...createAnswers, ...patchAnswers];
    expect(answers.map((a) => a.status).filter((status) => ![200, 503].includes(status))).toEqual(
      [],
    );
    expect(answers.some((a) => a.status === 200)).toBe(true);
    const refused = answers.filter((a) => a.status === 503);
    expect(refused.length).toBeGreaterThan(0);
    for (const answer of refused) {
      expect(answer).toMatchObject({
        body: {
          code: 14,
          message: expect.stringMatching(/^PostgreSQL is unavailable: /) as unknown,
        },
        retryAfter: '2',
      });
    }

    // A client repeats what answered 503, as the message says.
    for (const [i, answer] of createAnswers.entries()) {
      if (answer.status === 503)
        expect((await retried(() => create(created[i]!))).status).toBe(200);
    }
    await Promise.all(created.map(isInSync));
    for (const name of created) {
      expect(await operationsOf(name)).toEqual([['create_scheduler', 'finished']]);
    }
    for (const [i, answer] of patchAnswers.entries()) {
      const versionOperations = (await operationsOf(patched[i]!)).filter(
        ([definition]) => definition === 'create_new_scheduler_version',
      );
      expect(versionOperations).toEqual(
        answer.status === 200 ? [['create_new_scheduler_version', 'finished']] : [],
      );
    }
    const { body } = await timedCall(url('/schedulers'), 'GET');
    const states = (body['schedulers'] as Array<{ name: string; state: string }>).map(
      (s) => s.state,
    );
    expect(states).toHaveLength(CREATES + PATCHES);
    expect(states.filter((state) => state !== 'in-sync')).toEqual([]);
  });

  /** Waits for the scheduler's create_scheduler to have run. */
  async function isInSync(name: string) {
    await eventually(async () => {
      const { body } = await timedCall(url(`/schedulers/${name}`), 'GET');
      expect(body).toMatchObject({ scheduler: { state: 'in-sync' } });
    }, 90_000);
  }

  /** The scheduler's operations, oldest first, once none is pending or running. */
  async function operationsOf(name: string): Promise<Array<[string, string]>> {
    const listing = await waitFor(
      async () => {
        const stages = await Promise.all(
          ['pending', 'active', 'final'].map(async (stage) => {
            const { body } = await timedCall(
              url(`/schedulers/${name}/operations?stage=${stage}`),
              'GET',
            );
            return (body['operations'] ?? []) as Array<{ definitionName: string; status: string }>;
          }),
        );
        return stages;
      },
      ([pending, active]) => pending!.length === 0 && active!.length === 0,
      90_000,
    );
    return listing[2]!.map((op) => [op.definitionName, op.status]);
  }
});

function expectPostgresUnavailable(answer: TimedAnswer) {
  expect(answer).toMatchObject({
    status: 503,
    body: { code: 14, message: expect.stringMatching(/^PostgreSQL is unavailable: /) as unknown },
    retryAfter: '2',
  });
}

/** Repeats a request while it answers 503 (the restarted server may still be warming up). */
async function retried(call: () => Promise<TimedAnswer>): Promise<TimedAnswer> {
  return waitFor(call, (answer) => answer.status !== 503, 30_000);
}

/** A scheduler as Maestro's HTTP API takes it (no rooms). */
function httpScheduler(name: string) {
  const { spec, ...definition } = schedulerDefinition(name);
  const { terminationGracePeriodMs: _, ...rest } = spec;
  return { ...definition, spec: { ...rest, terminationGracePeriod: '5s' } };
}
