import { chmodSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Pool } from 'pg';
import pino from 'pino';
import { migrate } from '../../src/adapters/postgres/migrate';
import { loadWorkflowBundle } from '../../src/adapters/temporal/workflow-bundle';
import { startKubeCluster } from '../../scripts/local-infra/kube-cluster';
import { freePort } from '../../scripts/local-infra/paths';
import { ensureDatabase, startPostgres } from '../../scripts/local-infra/postgres';
import type { ServiceProcess } from '../../scripts/local-infra/process';
import { startRedis } from '../../scripts/local-infra/redis';
import { startTemporal } from '../../scripts/local-infra/temporal';
import { CONTINUE_AS_NEW_AFTER_EVENTS, TEMPLATE_DATABASE, type SharedInfra } from './infra';

/**
 * The integration project's global setup: the run's own Temporal dev server, PostgreSQL cluster
 * and Redis (see `startSharedInfra`). The platform project's (global-setup-platform.ts) adds a
 * Kubernetes API server; in a run of both, jest calls both and whichever comes second adds to the
 * services of the first. global-teardown, one module for both projects, stops them all.
 */
export default async function globalSetup(): Promise<void> {
  if (!process.env['IT_INFRA']) publish(await startSharedInfra());
}

/**
 * Starts Temporal, PostgreSQL and Redis on free loopback ports, migrates a template database that
 * each test file clones, and bundles the workflow code once for every worker of the run.
 */
export async function startSharedInfra(): Promise<SharedInfra> {
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'maestro-it-'));
  chmodSync(workDir, 0o755); // the postgres account must reach its cluster directory
  const [temporalPort, postgresPort, redisPort] = [
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  const [temporal, postgres, redis] = await Promise.all([
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
    loadWorkflowBundle(pino({ level: 'warn' })),
  ]);
  const templateUrl = await ensureDatabase(postgres.adminUrl, TEMPLATE_DATABASE);
  const pool = new Pool({ connectionString: templateUrl, max: 1 });
  try {
    await migrate(pool, pino({ level: 'warn' }));
  } finally {
    await pool.end();
  }
  runServices().push(temporal.process, postgres.process, redis.process);
  return {
    workDir,
    temporalAddress: temporal.address,
    postgresAdminUrl: postgres.adminUrl,
    redisUrl: redis.url,
  };
}

/**
 * Adds a Kubernetes API server (etcd, kube-apiserver, controller-manager, scheduler and kwok fake
 * nodes) to the run's services; it stops itself when this process exits.
 */
export async function withKubernetes(infra: SharedInfra): Promise<SharedInfra> {
  if (infra.kubernetes) return infra;
  const cluster = await startKubeCluster(path.join(infra.workDir, 'kubernetes'));
  return {
    ...infra,
    kubernetes: { kubeconfig: cluster.kubeconfig, kubeStateDir: cluster.stateDir },
  };
}

/** Hands the services to the test workers (which jest starts after the global setups). */
export function publish(infra: SharedInfra): void {
  process.env['IT_INFRA'] = JSON.stringify(infra);
}

/** The processes global-teardown stops. */
export function runServices(): ServiceProcess[] {
  const holder = globalThis as { itProcesses?: ServiceProcess[] };
  holder.itProcesses ??= [];
  return holder.itProcesses;
}
