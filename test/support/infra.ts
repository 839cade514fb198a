import { randomBytes } from 'node:crypto';
import { Client, Pool } from 'pg';
import { ensureDatabase } from '../../scripts/local-infra/postgres';

/** History length at which the test server suggests continue-as-new (default: 4 Ki events). */
export const CONTINUE_AS_NEW_AFTER_EVENTS = 120;

/** The migrated database every test file clones its own database from. */
export const TEMPLATE_DATABASE = 'maestro_template';

/** The services global-setup started for this run. */
export interface SharedInfra {
  workDir: string;
  temporalAddress: string;
  postgresAdminUrl: string;
  redisUrl: string;
  /** The run's Kubernetes API server, started only for runs that include the platform project. */
  kubernetes?: KubernetesInfra;
}

export interface KubernetesInfra {
  /** kubeconfig of the run's Kubernetes API server (kwok fake nodes run no containers). */
  kubeconfig: string;
  kubeStateDir: string;
}

export function sharedInfra(): SharedInfra {
  const raw = process.env['IT_INFRA'];
  if (!raw)
    throw new Error('IT_INFRA is not set: run integration tests through jest (global-setup)');
  return JSON.parse(raw) as SharedInfra;
}

/** The run's Kubernetes API server: for tests of the `platform` jest project (test/k8s). */
export function kubernetesInfra(): KubernetesInfra {
  const { kubernetes } = sharedInfra();
  if (!kubernetes)
    throw new Error(
      'this run started no Kubernetes API server: tests that need one belong to the platform jest project (test/k8s)',
    );
  return kubernetes;
}

/** A short random suffix for names that must not collide between test files and runs. */
export function uniqueSuffix(): string {
  return randomBytes(4).toString('hex');
}

/** A fresh, migrated database for one test file. */
export async function createTestDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const { postgresAdminUrl } = sharedInfra();
  const name = `test_${uniqueSuffix()}`;
  const url = await ensureDatabase(postgresAdminUrl, name, TEMPLATE_DATABASE);
  return {
    url,
    drop: async () => {
      const client = new Client({ connectionString: postgresAdminUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

/**
 * A pool for a test's own reads and writes. An idle connection the server ends (a database
 * dropped `WITH (FORCE)` at teardown, a restarted PostgreSQL) makes a pool emit `error`; without a
 * listener that is an uncaught exception in the jest worker. The next query reconnects.
 */
export function testPool(connectionString: string, max = 2): Pool {
  const pool = new Pool({ connectionString, max });
  pool.on('error', () => undefined);
  return pool;
}
