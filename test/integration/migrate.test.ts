import type { Pool } from 'pg';
import pino from 'pino';
import { migrate, MigrationChecksumError } from '../../src/adapters/postgres/migrate';
import { migrations } from '../../src/adapters/postgres/migrations';
import { ensureDatabase } from '../../scripts/local-infra/postgres';
import { sharedInfra, uniqueSuffix, testPool } from '../support/infra';
import { runMaestro } from '../support/maestro-process';

const log = pino({ level: 'silent' });

/** An empty database (not cloned from the migrated template). */
async function emptyDatabase(): Promise<string> {
  return ensureDatabase(sharedInfra().postgresAdminUrl, `empty_${uniqueSuffix()}`);
}

async function withPool<T>(url: string, use: (pool: Pool) => Promise<T>): Promise<T> {
  const pool = testPool(url, 2);
  try {
    return await use(pool);
  } finally {
    await pool.end();
  }
}

const tablesOf = (pool: Pool) =>
  pool
    .query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1`,
    )
    .then((result) => result.rows.map((row) => row.table_name));

describe('maestro migrate', () => {
  it('creates the schema on an empty database and applies nothing the second time', async () => {
    const url = await emptyDatabase();

    const env = {
      MAESTRO_POSTGRES_URL: url,
      MAESTRO_TEMPORAL_ADDRESS: sharedInfra().temporalAddress,
    };
    const first = runMaestro(['migrate'], env);
    expect((await first.exited).code).toBe(0);
    const second = runMaestro(['migrate'], env);
    expect((await second.exited).code).toBe(0);

    expect(first.output()).toContain('database migrated');
    expect(second.output()).toContain('database already up to date');
    await withPool(url, async (pool) => {
      expect(await tablesOf(pool)).toEqual([
        'api_keys',
        'scheduler_versions',
        'schedulers',
        'schema_migrations',
      ]);
    });
  });

  it('applies each migration exactly once when several runs race', async () => {
    const url = await emptyDatabase();
    const pools = [0, 1, 2, 3].map(() => testPool(url, 1));

    try {
      const applied = await Promise.all(pools.map((pool) => migrate(pool, log)));

      expect(applied.flat().sort()).toEqual(migrations.map((m) => m.id).sort());
      const { rows } = await pools[0]!.query('SELECT id FROM schema_migrations ORDER BY id');
      expect(rows).toEqual(migrations.map((m) => ({ id: m.id })));
    } finally {
      await Promise.all(pools.map((pool) => pool.end()));
    }
  });

  it('refuses to run when an applied migration was edited afterwards', async () => {
    const url = await emptyDatabase();

    await withPool(url, async (pool) => {
      await migrate(pool, log, [{ id: '9000-probe', sql: 'CREATE TABLE probe (id int)' }]);
      const edited = [{ id: '9000-probe', sql: 'CREATE TABLE probe (id bigint)' }];

      await expect(migrate(pool, log, edited)).rejects.toBeInstanceOf(MigrationChecksumError);
    });
  });

  it('exits 1 naming the failure when the database is unreachable', async () => {
    const run = runMaestro(['migrate'], {
      MAESTRO_POSTGRES_URL: 'postgres://maestro:maestro@127.0.0.1:1/maestro',
    });

    expect((await run.exited).code).toBe(1);
    expect(run.output()).toContain('migration failed');
  });
});

describe('the schedulers schema', () => {
  it('rejects a scheduler whose active version does not exist when the transaction commits', async () => {
    const url = await emptyDatabase();
    await withPool(url, async (pool) => {
      await migrate(pool, log);

      const insert = pool.query(
        `INSERT INTO schedulers (name, game, state, active_version) VALUES ('orphan', 'g', 'creating', 'v1.0.0')`,
      );

      await expect(insert).rejects.toThrow(/schedulers_active_version_fkey/);
    });
  });
});
