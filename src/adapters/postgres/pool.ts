import { Pool } from 'pg';
import type { Logger } from 'pino';

export interface PostgresConfig {
  url: string;
  poolSize: number;
}

/** A connection pool that logs (instead of crashing on) errors of idle connections. */
export function createPostgresPool(config: PostgresConfig, log: Logger): Pool {
  const pool = new Pool({
    connectionString: config.url,
    max: config.poolSize,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    application_name: 'maestro',
  });
  pool.on('error', (error) => log.warn({ err: error }, 'postgres idle connection failed'));
  return pool;
}

/** Readiness: a round trip through the pool. */
export async function pingPostgres(pool: Pool): Promise<void> {
  await pool.query('SELECT 1');
}
