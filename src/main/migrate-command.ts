import type { Logger } from 'pino';
import { migrate } from '../adapters/postgres/migrate';
import { createPostgresPool } from '../adapters/postgres/pool';
import { createTemporalClient, diagnosisTarget } from '../adapters/temporal/connection';
import { diagnoseTemporalFailure } from '../adapters/temporal/connection-diagnosis';
import {
  ensureSearchAttributes,
  SearchAttributeSetupError,
} from '../adapters/temporal/search-attributes-setup';
import { TlsMaterialWatcher } from '../adapters/temporal/tls-material';
import type { Config } from '../config/load';
import { maestroSearchAttributes } from '../../workflows/search-attributes';

/** What `maestro migrate` prepares: both by default, or one named. */
export const MIGRATE_TARGETS = ['postgres', 'temporal'] as const;
export type MigrateTarget = (typeof MIGRATE_TARGETS)[number];

/**
 * `maestro migrate`: applies the PostgreSQL migrations, then registers maestro's search attributes
 * on the Temporal namespace, over the same (TLS, API key) connection the modules use. Each step is
 * idempotent; an unreachable Temporal fails the command (exit 1) once PostgreSQL is done.
 */
export async function runMigrate(
  config: Config,
  targets: readonly MigrateTarget[],
  log: Logger,
): Promise<number> {
  for (const target of targets) {
    const isDone =
      target === 'postgres' ? await migratePostgres(config, log) : await setupTemporal(config, log);
    if (!isDone) return 1;
  }
  return 0;
}

async function migratePostgres(config: Config, log: Logger): Promise<boolean> {
  const pool = createPostgresPool({ ...config.postgres, poolSize: 1 }, log);
  try {
    const applied = await migrate(pool, log);
    log.info({ applied }, applied.length > 0 ? 'database migrated' : 'database already up to date');
    return true;
  } catch (error) {
    log.error({ err: error }, 'migration failed');
    return false;
  } finally {
    await pool.end();
  }
}

async function setupTemporal(config: Config, log: Logger): Promise<boolean> {
  const { namespace } = config.temporal;
  const tls = config.temporal.tls && TlsMaterialWatcher.open(config.temporal.tls);
  const client = createTemporalClient(config.temporal, tls);
  try {
    const added = await ensureSearchAttributes(
      client.connection,
      namespace,
      maestroSearchAttributes,
      log,
    );
    log.info(
      { namespace, added },
      added.length > 0 ? 'search attributes added' : 'search attributes already present',
    );
    return true;
  } catch (error) {
    const reason =
      error instanceof SearchAttributeSetupError
        ? error
        : await diagnoseTemporalFailure(
            error,
            diagnosisTarget(config.temporal, tls?.material ?? {}),
          );
    log.error({ err: reason, namespace }, `temporal setup failed: ${reason.message}`);
    return false;
  } finally {
    await client.connection.close();
  }
}
