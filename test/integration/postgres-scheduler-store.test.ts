import type { Pool } from 'pg';
import { PostgresSchedulerStore } from '../../src/adapters/postgres/postgres-scheduler-store';
import { ErrorCode } from '../../src/domain/errors';
import type { Scheduler } from '../../src/domain/scheduler/scheduler';
import { validateScheduler } from '../../src/domain/scheduler/validation';
import { createTestDatabase, uniqueSuffix, testPool } from '../support/infra';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let pool: Pool;
let store: PostgresSchedulerStore;

beforeAll(async () => {
  database = await createTestDatabase();
  pool = testPool(database.url, 10);
  store = new PostgresSchedulerStore(pool);
});

afterAll(async () => {
  await pool.end();
  await database.drop();
});

function aScheduler(overrides: Record<string, unknown> = {}): Scheduler {
  return validateScheduler({
    name: `tennis-${uniqueSuffix()}`,
    game: 'tennis',
    maxSurge: '25%',
    roomsReplicas: 2,
    portRange: { start: 40000, end: 41000 },
    spec: {
      terminationGracePeriodMs: 30_000,
      containers: [
        {
          name: 'game',
          image: 'tennis/server:1.4.0',
          imagePullPolicy: 'IfNotPresent',
          requests: { cpu: '100m', memory: '64Mi' },
          limits: { cpu: '500m', memory: '1Gi' },
          ports: [{ name: 'game', protocol: 'udp', port: 7000 }],
        },
      ],
    },
    forwarders: [{ name: 'matchmaker', enable: true, type: 'gRPC', address: 'mm:9000' }],
    ...overrides,
  });
}

const versionOf = (scheduler: Scheduler, version: string, roomsReplicas: number): Scheduler => ({
  ...scheduler,
  roomsReplicas,
  spec: { ...scheduler.spec, version },
  rollbackVersion: 'v1.0.0',
});

const withCode = (code: string): unknown => expect.objectContaining({ code }) as unknown;

describe('PostgresSchedulerStore', () => {
  it('returns the scheduler with its creation time when it is created and read back', async () => {
    const scheduler = aScheduler();

    const created = await store.createScheduler(scheduler);

    expect(created).toEqual({ ...scheduler, createdAt: created.createdAt });
    expect(Date.now() - Date.parse(created.createdAt!)).toBeLessThan(60_000);
    expect(await store.getScheduler(scheduler.name)).toEqual(created);
    expect(await store.getSchedulerVersion(scheduler.name, 'v1.0.0')).toEqual(created);
  });

  it('fails with ALREADY_EXISTS when the name is taken', async () => {
    const scheduler = await store.createScheduler(aScheduler());

    await expect(store.createScheduler({ ...scheduler, game: 'padel' })).rejects.toEqual(
      withCode(ErrorCode.ALREADY_EXISTS),
    );
    expect((await store.getScheduler(scheduler.name))?.game).toBe('tennis');
  });

  it('lets exactly one creation win when many race for the same name', async () => {
    const scheduler = aScheduler();

    const results = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) =>
        store.createScheduler({ ...scheduler, roomsReplicas: i }),
      ),
    );

    const winners = results.filter((result) => result.status === 'fulfilled');
    const losers = results.flatMap((result) =>
      result.status === 'rejected' ? [(result.reason as { code?: string }).code] : [],
    );
    expect(winners).toHaveLength(1);
    expect(losers).toEqual(Array.from({ length: 7 }, () => ErrorCode.ALREADY_EXISTS));
    expect(await store.listVersions(scheduler.name)).toHaveLength(1);
  });

  it('returns undefined when the scheduler or the version does not exist', async () => {
    const { name } = await store.createScheduler(aScheduler());

    expect(await store.getScheduler('missing')).toBeUndefined();
    expect(await store.getSchedulerVersion(name, 'v9.0.0')).toBeUndefined();
    expect(await store.listVersions('missing')).toEqual([]);
  });

  it('keeps new versions inactive until the active version is switched', async () => {
    const scheduler = await store.createScheduler(aScheduler());
    const next = versionOf(scheduler, 'v1.1.0', 9);

    await store.createVersion(next);
    const beforeSwitch = await store.getScheduler(scheduler.name);
    await store.switchActiveVersion(scheduler.name, 'v1.1.0');

    expect(beforeSwitch?.spec.version).toBe('v1.0.0');
    expect(await store.getScheduler(scheduler.name)).toMatchObject({
      roomsReplicas: 9,
      rollbackVersion: 'v1.0.0',
      spec: { version: 'v1.1.0' },
      createdAt: scheduler.createdAt,
    });
    const versions = await store.listVersions(scheduler.name);
    expect(versions.map(({ version, isActive }) => [version, isActive])).toEqual([
      ['v1.1.0', true],
      ['v1.0.0', false],
    ]);
    expect(Date.parse(versions[0]!.createdAt)).toBeGreaterThan(Date.parse(versions[1]!.createdAt));
  });

  it('succeeds when the same version is stored twice, and conflicts when it differs', async () => {
    const scheduler = await store.createScheduler(aScheduler());
    const next = versionOf(scheduler, 'v2.0.0', 4);

    await store.createVersion(next);
    await store.createVersion({ ...next, createdAt: undefined });

    await expect(store.createVersion({ ...next, roomsReplicas: 5 })).rejects.toEqual(
      withCode(ErrorCode.CONFLICT),
    );
    expect((await store.getSchedulerVersion(scheduler.name, 'v2.0.0'))?.roomsReplicas).toBe(4);
  });

  it('fails with NOT_FOUND when the scheduler or the version to activate is missing', async () => {
    const { name } = await store.createScheduler(aScheduler());

    await expect(store.createVersion(aScheduler({ name: 'ghost' }))).rejects.toEqual(
      withCode(ErrorCode.NOT_FOUND),
    );
    await expect(store.switchActiveVersion(name, 'v7.0.0')).rejects.toThrow(
      `version v7.0.0 of scheduler ${name} not found`,
    );
    await expect(store.switchActiveVersion('ghost', 'v1.0.0')).rejects.toThrow(
      'scheduler ghost not found',
    );
  });

  it('lists active versions matching every filter given', async () => {
    const game = `padel-${uniqueSuffix()}`;
    const first = await store.createScheduler(aScheduler({ game }));
    const second = await store.createScheduler(aScheduler({ game }));
    await store.createVersion(versionOf(second, 'v2.0.0', 1));
    await store.switchActiveVersion(second.name, 'v2.0.0');

    const names = async (filter: Parameters<typeof store.listSchedulers>[0]) =>
      (await store.listSchedulers(filter)).map((scheduler) => scheduler.name);

    expect(await names({ game })).toEqual([first.name, second.name].sort());
    expect(await names({ game, version: 'v2.0.0' })).toEqual([second.name]);
    expect(await names({ name: first.name, game })).toEqual([first.name]);
    expect(await names({ name: first.name, game: 'tennis' })).toEqual([]);
    expect(await names({ name: '', game, version: '' })).toHaveLength(2);
  });

  it('records the state and the last downscale when they change', async () => {
    const { name } = await store.createScheduler(aScheduler());

    await store.updateState(name, 'in-sync');
    await store.setLastDownscaleAt(name, '2024-05-01T10:00:00.000Z');

    expect(await store.getScheduler(name)).toMatchObject({
      state: 'in-sync',
      lastDownscaleAt: '2024-05-01T10:00:00.000Z',
    });
    await expect(store.updateState('ghost', 'in-sync')).rejects.toEqual(
      withCode(ErrorCode.NOT_FOUND),
    );
  });

  it('deletes the scheduler with every version, and succeeds when it is already gone', async () => {
    const scheduler = await store.createScheduler(aScheduler());
    await store.createVersion(versionOf(scheduler, 'v1.1.0', 3));

    await store.deleteScheduler(scheduler.name);
    await store.deleteScheduler(scheduler.name);

    expect(await store.getScheduler(scheduler.name)).toBeUndefined();
    const { rows } = await pool.query(
      'SELECT 1 FROM scheduler_versions WHERE scheduler_name = $1',
      [scheduler.name],
    );
    expect(rows).toEqual([]);
  });

  it('refuses to delete the active version row (deferred foreign key)', async () => {
    const { name } = await store.createScheduler(aScheduler());

    const deletion = pool.query(
      `DELETE FROM scheduler_versions WHERE scheduler_name = $1 AND version = 'v1.0.0'`,
      [name],
    );

    await expect(deletion).rejects.toThrow(/schedulers_active_version_fkey/);
    expect(await store.getScheduler(name)).toBeDefined();
  });

  it('reads definitions stored without the newer fields with their defaults', async () => {
    const { name, spec, portRange } = aScheduler();
    const legacy = {
      spec: { ...spec, restartPolicy: undefined },
      portRange,
      maxSurge: '1',
      roomsReplicas: 0,
    };
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(
        `INSERT INTO schedulers (name, game, state, active_version) VALUES ($1, 'tennis', 'in-sync', 'v1.0.0')`,
        [name],
      );
      await client.query(
        `INSERT INTO scheduler_versions (scheduler_name, version, definition) VALUES ($1, 'v1.0.0', $2)`,
        [name, JSON.stringify(legacy)],
      );
      await client.query('COMMIT');
    } finally {
      client.release();
    }

    expect(await store.getScheduler(name)).toMatchObject({
      matchAllocation: { maxMatches: 1 },
      forwarders: [],
      annotations: {},
      spec: { restartPolicy: 'Never' },
    });
  });

  it('fails with INTERNAL naming the version when a stored definition is invalid', async () => {
    const { name } = await store.createScheduler(aScheduler());
    await pool.query(
      `UPDATE scheduler_versions SET definition = definition || '{"maxSurge": "0"}' WHERE scheduler_name = $1`,
      [name],
    );

    const error = await store.getScheduler(name).catch((caught: unknown) => caught);

    expect(error).toMatchObject({ code: ErrorCode.INTERNAL });
    expect((error as Error).message).toContain(
      `stored version v1.0.0 of scheduler ${name} is invalid`,
    );
    expect((error as Error).message).toContain('maxSurge: must be an integer');
  });
});
