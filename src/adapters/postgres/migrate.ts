import { createHash } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import type { Logger } from 'pino';
import { migrations as allMigrations, type Migration } from './migrations';

/** Arbitrary constant naming maestro's migration lock among the database's advisory locks. */
const MIGRATION_LOCK_KEY = 0x6d616573; // "maes"

export class MigrationChecksumError extends Error {
  constructor(readonly migrationId: string) {
    super(
      `migration ${migrationId} was changed after it was applied; write a new migration instead`,
    );
    this.name = 'MigrationChecksumError';
  }
}

/**
 * Applies the migrations the database lacks, each in its own transaction, and returns their ids.
 * Safe to run twice (applied ones are skipped) and concurrently (a session advisory lock serialises
 * the runs). Fails if an applied migration's SQL has changed since.
 */
export async function migrate(
  pool: Pool,
  log: Logger,
  migrations: readonly Migration[] = allMigrations,
): Promise<string[]> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      return await applyPending(client, log, migrations);
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    client.release();
  }
}

async function applyPending(
  client: PoolClient,
  log: Logger,
  migrations: readonly Migration[],
): Promise<string[]> {
  await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
    id text PRIMARY KEY,
    checksum text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
  )`);
  const { rows } = await client.query<{ id: string; checksum: string }>(
    'SELECT id, checksum FROM schema_migrations',
  );
  const applied = new Map(rows.map((row) => [row.id, row.checksum]));
  const newlyApplied: string[] = [];
  for (const migration of migrations) {
    const checksum = checksumOf(migration);
    const appliedChecksum = applied.get(migration.id);
    if (appliedChecksum === checksum) continue;
    if (appliedChecksum !== undefined) throw new MigrationChecksumError(migration.id);
    await applyOne(client, migration, checksum);
    log.info({ migration: migration.id }, 'migration applied');
    newlyApplied.push(migration.id);
  }
  return newlyApplied;
}

async function applyOne(client: PoolClient, migration: Migration, checksum: string) {
  await client.query('BEGIN');
  try {
    await client.query(migration.sql);
    await client.query('INSERT INTO schema_migrations (id, checksum) VALUES ($1, $2)', [
      migration.id,
      checksum,
    ]);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw new Error(`migration ${migration.id} failed`, { cause: error });
  }
}

function checksumOf(migration: Migration): string {
  return createHash('sha256').update(migration.sql).digest('hex');
}
