import type { Pool } from 'pg';
import { Client } from 'pg';
import { PostgresSchedulerStore } from '../../src/adapters/postgres/postgres-scheduler-store';
import { createTestDatabase, sharedInfra, uniqueSuffix, testPool } from '../support/infra';
import { runMaestro } from '../support/maestro-process';
import { maestroV1Container, maestroV1Yaml } from '../support/maestro-v1-yaml';

/**
 * Maestro v1's tables as its migrations 0001–0007 leave them (written from reading them: the
 * uuid default comes from gen_random_uuid() here instead of the uuid-ossp extension).
 */
const MAESTRO_V1_SCHEMA = `
CREATE TABLE schedulers (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name varchar(255) NOT NULL,
  game varchar(255) NOT NULL,
  yaml text NOT NULL,
  state text NOT NULL,
  state_last_changed_at integer NOT NULL DEFAULT 0,
  last_scale_op_at integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NULL,
  version varchar(255)
);
CREATE UNIQUE INDEX schedulers_name_unique ON schedulers (name);
CREATE TABLE scheduler_versions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name varchar(255) NOT NULL REFERENCES schedulers (name) ON DELETE CASCADE,
  version varchar(255) NOT NULL,
  yaml text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  rolling_update_status varchar(255),
  rollback_version varchar(255)
);
CREATE UNIQUE INDEX schedulers_version_unique ON scheduler_versions (name, version);
`;

const maestroDatabase = `maestro_v1_${uniqueSuffix()}`;
/** Unique names: activation starts scheduler workflows in the run's shared Temporal. */
const run = uniqueSuffix();
const RANKED = `ranked-${run}`;
const CASUAL = `casual-${run}`;
const BROKEN = `broken-${run}`;
let maestroUrl: string;
let maestro: Client;
let target: Awaited<ReturnType<typeof createTestDatabase>>;
let pool: Pool;
let store: PostgresSchedulerStore;

async function admin(sql: string) {
  const client = new Client({ connectionString: sharedInfra().postgresAdminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A Maestro v1 scheduler: versions [version, yaml, rollback, day of January], the active one. */
async function insertScheduler(
  name: string,
  versions: [string, string, string, number][],
  active: string,
  activeYaml?: string,
) {
  const yaml = activeYaml ?? versions.find(([version]) => version === active)![1];
  await maestro.query(
    `INSERT INTO schedulers (name, game, yaml, state, version) VALUES ($1, 'tennis', $2, 'in-sync', $3)`,
    [name, yaml, active],
  );
  for (const [version, text, rollback, day] of versions) {
    await maestro.query(
      `INSERT INTO scheduler_versions (name, version, yaml, rollback_version, created_at)
       VALUES ($1, $2, $3, $4, $5)`,
      [name, version, text, rollback, new Date(Date.UTC(2026, 0, day))],
    );
  }
}

async function importFromMaestro(...args: (string | Record<string, string>)[]) {
  const flags = args.filter((arg) => typeof arg === 'string');
  const env = Object.assign({}, ...args.filter((arg) => typeof arg !== 'string')) as object;
  const run = runMaestro(['import', '--from', maestroUrl, ...flags], {
    MAESTRO_POSTGRES_URL: target.url,
    MAESTRO_LOG_LEVEL: 'warn',
    ...env,
  });
  const { code } = await run.exited;
  return { code, output: run.output() };
}

const RANKED_YAML = maestroV1Yaml();
const RANKED_MORE_ROOMS = maestroV1Yaml({ RoomsReplicas: 5 });
const RANKED_NEW_IMAGE = maestroV1Yaml({
  Containers: [maestroV1Container({ Image: 'registry.example.com/tennis/server:2.0.0' })],
});
const SCTP_PORT = maestroV1Yaml({
  Containers: [
    maestroV1Container({
      Ports: [{ Name: 'game', Port: 7000, Protocol: 'sctp', HostPort: 0, HostPortRange: null }],
    }),
  ],
});
const CASUAL_YAML = maestroV1Yaml({ Autoscaling: null, Forwarders: null, RoomsReplicas: 1 });

beforeAll(async () => {
  target = await createTestDatabase();
  pool = testPool(target.url, 2);
  store = new PostgresSchedulerStore(pool);
  await admin(`CREATE DATABASE "${maestroDatabase}"`);
  const url = new URL(sharedInfra().postgresAdminUrl);
  url.pathname = `/${maestroDatabase}`;
  maestroUrl = url.toString();
  maestro = new Client({ connectionString: maestroUrl });
  await maestro.connect();
  await maestro.query(MAESTRO_V1_SCHEMA);
  // Rolled back from v2.0.0 to v1.1.0, with a downscale recorded in schedulers.yaml only.
  await insertScheduler(
    RANKED,
    [
      ['v1.0.0', RANKED_YAML, '', 1],
      ['v1.1.0', RANKED_MORE_ROOMS, '', 2],
      ['v2.0.0', RANKED_NEW_IMAGE, 'v1.1.0', 3],
    ],
    'v1.1.0',
    maestroV1Yaml({ RoomsReplicas: 5, LastDownscaleAt: '2026-01-04T10:00:00Z' }),
  );
  await insertScheduler(CASUAL, [['v1.0.0', CASUAL_YAML, '', 1]], 'v1.0.0');
  await insertScheduler(
    BROKEN,
    [
      ['v1.0.0', SCTP_PORT, '', 1],
      ['v1.1.0', RANKED_MORE_ROOMS, '', 2],
    ],
    'v1.1.0',
  );
}, 60_000);

afterAll(async () => {
  await maestro.end();
  await pool.end();
  await target.drop();
  await admin(`DROP DATABASE IF EXISTS "${maestroDatabase}" WITH (FORCE)`);
});

const INVALID_LINES = [
  `invalid       ${BROKEN}`,
  '    1 of its 2 versions are invalid (--skip-invalid-versions imports the others)',
  '    version v1.0.0: spec.containers[0].ports[0].protocol (Maestro: Containers[0].Ports[0].Protocol): sctp is not supported: must be tcp or udp',
];

describe('maestro import', () => {
  it('plans without writing on --dry-run', async () => {
    const { code, output } = await importFromMaestro('--dry-run');

    expect(output).toContain(
      `would import  ${RANKED} 3 version(s) v1.0.0, v1.1.0, v2.0.0; active v1.1.0`,
    );
    expect(output).toContain(
      'dry run, nothing written: 3 scheduler(s): 2 imported, 0 unchanged, 0 replaced, 0 differs, 1 invalid, 0 failed',
    );
    expect(code).toBe(3);
    await expect(store.listSchedulers()).resolves.toEqual([]);
  }, 60_000);

  it('imports every valid scheduler with its versions in order and its active version, and reports the invalid one', async () => {
    const { code, output } = await importFromMaestro();

    expect(output.split('\n')).toEqual(
      expect.arrayContaining([
        `imported      ${CASUAL} 1 version(s) v1.0.0; active v1.0.0`,
        `imported      ${RANKED} 3 version(s) v1.0.0, v1.1.0, v2.0.0; active v1.1.0`,
        ...INVALID_LINES,
      ]),
    );
    expect(code).toBe(3);

    const ranked = await store.getScheduler(RANKED);
    expect(ranked).toMatchObject({
      game: 'tennis',
      state: 'creating',
      roomsReplicas: 5,
      lastDownscaleAt: '2026-01-04T10:00:00.000Z',
      spec: { version: 'v1.1.0', terminationGracePeriodMs: 100_000 },
    });
    const versions = await store.listVersions(RANKED);
    expect(versions.map(({ version, isActive }) => [version, isActive])).toEqual([
      ['v2.0.0', false],
      ['v1.1.0', true],
      ['v1.0.0', false],
    ]);
    await expect(store.getSchedulerVersion(RANKED, 'v2.0.0')).resolves.toMatchObject({
      rollbackVersion: 'v1.1.0',
      spec: { containers: [{ image: 'registry.example.com/tennis/server:2.0.0' }] },
    });
    await expect(store.getScheduler(CASUAL)).resolves.toMatchObject({
      roomsReplicas: 1,
      forwarders: [],
      spec: { version: 'v1.0.0' },
    });
    await expect(store.getScheduler(BROKEN)).resolves.toBeUndefined();
  }, 60_000);

  it('reports everything unchanged and duplicates nothing when run again', async () => {
    const { code, output } = await importFromMaestro();

    expect(output).toContain(`unchanged     ${RANKED} 3 version(s)`);
    expect(output).toContain(`unchanged     ${CASUAL} 1 version(s)`);
    expect(output.split('\n')).toEqual(expect.arrayContaining(INVALID_LINES));
    expect(code).toBe(3);
    await expect(store.listVersions(RANKED)).resolves.toHaveLength(3);
    await expect(store.listSchedulers()).resolves.toHaveLength(2);
  }, 60_000);

  it('reports a scheduler that differs here and leaves it, unless --replace', async () => {
    await maestro.query(
      `UPDATE scheduler_versions SET yaml = $1 WHERE name = $2 AND version = 'v1.0.0'`,
      [maestroV1Yaml({ Autoscaling: null, Forwarders: null, RoomsReplicas: 3 }), CASUAL],
    );

    const left = await importFromMaestro();

    expect(left.output).toContain(`differs       ${CASUAL} 1 version(s) v1.0.0; active v1.0.0`);
    expect(left.output).toContain('    version v1.0.0 has a different definition here');
    expect(left.code).toBe(3);
    await expect(store.getScheduler(CASUAL)).resolves.toMatchObject({ roomsReplicas: 1 });

    const replaced = await importFromMaestro('--replace', '--skip-invalid-versions');

    expect(replaced.output).toContain(`replaced      ${CASUAL}`);
    expect(replaced.output).toContain(`imported      ${BROKEN} 1 version(s) v1.1.0; active v1.1.0`);
    expect(replaced.output).toContain(
      '    version v1.0.0 left out: spec.containers[0].ports[0].protocol',
    );
    expect(replaced.code).toBe(0);
    await expect(store.getScheduler(CASUAL)).resolves.toMatchObject({ roomsReplicas: 3 });
  }, 60_000);

  it('exits 0 when every scheduler is imported or unchanged', async () => {
    const { code, output } = await importFromMaestro('--skip-invalid-versions');

    expect(output).toContain(
      '3 scheduler(s): 0 imported, 3 unchanged, 0 replaced, 0 differs, 0 invalid, 0 failed',
    );
    expect(code).toBe(0);
  }, 60_000);

  it('queues create_scheduler once per scheduler still creating with --activate', async () => {
    const activate = () =>
      importFromMaestro('--activate', '--skip-invalid-versions', {
        MAESTRO_TEMPORAL_ADDRESS: sharedInfra().temporalAddress,
        MAESTRO_TEMPORAL_TASK_QUEUE_PREFIX: `it-import-${uniqueSuffix()}`,
      });
    const queued = (output: string) =>
      [...output.matchAll(/^unchanged +(\S+) .*; create_scheduler queued \(([0-9a-f-]{36})\)$/gm)]
        .map(([, name, id]) => `${name} ${id}`)
        .sort();

    const first = await activate();
    const again = await activate();

    expect(first.code).toBe(0);
    expect(queued(first.output)).toHaveLength(3);
    expect(queued(again.output)).toEqual(queued(first.output));
  }, 60_000);

  it('never replaces a scheduler maestro already manages, even with --replace', async () => {
    await store.updateState(CASUAL, 'in-sync');
    await maestro.query(
      `UPDATE scheduler_versions SET yaml = $1 WHERE name = $2 AND version = 'v1.0.0'`,
      [maestroV1Yaml({ Autoscaling: null, Forwarders: null, RoomsReplicas: 4 }), CASUAL],
    );

    const { code, output } = await importFromMaestro('--replace', '--skip-invalid-versions');

    expect(output).toContain(`differs       ${CASUAL} 1 version(s) v1.0.0; active v1.0.0`);
    expect(output).toContain(
      '    not replaced: maestro already manages this scheduler (activated); change it through the Management API',
    );
    expect(code).toBe(3);
    await expect(store.getScheduler(CASUAL)).resolves.toMatchObject({ roomsReplicas: 3 });
  }, 60_000);

  it('exits 1 naming the problem when the source is not a Maestro v1 database', async () => {
    const run = runMaestro(['import', '--from', target.url], {
      MAESTRO_POSTGRES_URL: target.url,
      MAESTRO_LOG_LEVEL: 'warn',
    });
    const { code } = await run.exited;

    expect(run.output()).toContain('maestro import: not a Maestro v1 database');
    expect(code).toBe(1);
  }, 60_000);
});
