import { chmodSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Pool } from 'pg';
import pino from 'pino';
import { migrate } from '../../src/adapters/postgres/migrate';
import { freePort } from '../../scripts/local-infra/paths';
import { ensureDatabase, startPostgres } from '../../scripts/local-infra/postgres';
import type { ServiceProcess } from '../../scripts/local-infra/process';
import { startRedis } from '../../scripts/local-infra/redis';
import { startTemporal } from '../../scripts/local-infra/temporal';
import { startKubeCluster } from '../../scripts/local-infra/kube-cluster';
import { CONTINUE_AS_NEW_AFTER_EVENTS, TEMPLATE_DATABASE, type SharedInfra } from './infra';

/**
 * Starts the run's own Temporal dev server, PostgreSQL cluster, Redis and Kubernetes API server
 * (etcd, kube-apiserver, controller-manager, scheduler and kwok fake nodes) on free loopback ports,
 * migrates a template database that each test file clones, and hands the addresses to the test
 * workers through the environment. global-teardown stops them and deletes their files.
 */
export default async function globalSetup(): Promise<void> {
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'maestro-it-'));
  chmodSync(workDir, 0o755); // the postgres account must reach its cluster directory
  const [temporalPort, postgresPort, redisPort] = [
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  const [temporal, postgres, redis, kube] = await Promise.all([
    startTemporal({
      dir: path.join(workDir, 'temporal'),
      port: temporalPort,
      // Scheduler workflows continue-as-new every few operations in tests, not every few thousand.
      dynamicConfig: { 'limit.historyCount.suggestContinueAsNew': CONTINUE_AS_NEW_AFTER_EVENTS },
    }),
    startPostgres({
      dir: path.join(workDir, 'postgres'),
      port: postgresPort,
      user: 'maestro',
      password: 'maestro',
      durable: false,
    }),
    startRedis({ dir: path.join(workDir, 'redis'), port: redisPort, durable: false }),
    startKubeCluster(path.join(workDir, 'kubernetes')),
  ]);
  const templateUrl = await ensureDatabase(postgres.adminUrl, TEMPLATE_DATABASE);
  const pool = new Pool({ connectionString: templateUrl, max: 1 });
  try {
    await migrate(pool, pino({ level: 'warn' }));
  } finally {
    await pool.end();
  }
  const infra: SharedInfra = {
    workDir,
    temporalAddress: temporal.address,
    postgresAdminUrl: postgres.adminUrl,
    redisUrl: redis.url,
    kubeconfig: kube.kubeconfig,
    kubeStateDir: kube.stateDir,
  };
  process.env['IT_INFRA'] = JSON.stringify(infra);
  (globalThis as { itProcesses?: ServiceProcess[] }).itProcesses = [
    temporal.process,
    postgres.process,
    redis.process,
  ];
}
