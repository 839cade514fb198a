import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { Pool } from 'pg';
import pino from 'pino';
import { migrate } from '../../src/adapters/postgres/migrate';
import { PostgresSchedulerStore } from '../../src/adapters/postgres/postgres-scheduler-store';
import { TemporalOperationQueue } from '../../src/adapters/temporal/temporal-operation-queue';
import { SchedulerCommands } from '../../src/app/scheduler-commands';
import { loadConfig, type ModuleName } from '../../src/config/load';
import { operationQueueConfig } from '../../src/main/infra/resources';
import { startSystem } from '../../src/main/system';
import { freePort } from '../../scripts/local-infra/paths';
import { ensureDatabase, startPostgres } from '../../scripts/local-infra/postgres';
import { startRedis } from '../../scripts/local-infra/redis';
import { startTemporal } from '../../scripts/local-infra/temporal';
import { stopLocalRooms } from '../../scripts/dev-rooms';
import { listLiveLocalRooms } from '../../src/adapters/runtime/local/live-rooms';
import { schedulerDefinition } from '../../test/support/test-scheduler';

const log = pino({ level: 'silent' });

export interface StackOptions {
  healthControllerIntervalMs: number;
  /** Modules run in-process (default: the worker, runtime watcher and metrics reporter). */
  modules?: readonly ModuleName[];
  /** More MAESTRO_* settings. */
  env?: Record<string, string>;
  /** The autoscaling clock (idle times; a benchmark moves it); real time when absent. */
  autoscalingClock?: () => Date;
}

/** PostgreSQL (migrated) and Redis of a benchmark, in `dir`, on free loopback ports. */
export async function startStores(dir: string) {
  const [postgres, redis] = await startTogether(
    freePort().then((port) =>
      startPostgres({
        dir: path.join(dir, 'pg'),
        port,
        user: 'maestro',
        password: 'maestro',
        durable: false,
      }),
    ),
    freePort().then((port) => startRedis({ dir: path.join(dir, 'redis'), port, durable: false })),
  );
  const databaseUrl = await ensureDatabase(postgres.adminUrl, 'maestro');
  const pool = new Pool({ connectionString: databaseUrl, max: 10 });
  await migrate(pool, log);
  return {
    databaseUrl,
    redisUrl: redis.url,
    redisPid: redis.process.pid,
    pool,
    async stop() {
      await pool.end();
      await Promise.all([postgres.process.stop(), redis.process.stop()]);
    },
  };
}

let isRuntimeInstalled = false;

/** The Temporal SDK's process-wide runtime, once per process (a second install throws). */
function installTemporalRuntime() {
  if (isRuntimeInstalled) return;
  Runtime.install({ logger: new DefaultLogger('WARN') });
  isRuntimeInstalled = true;
}

/**
 * Both services, started in parallel; when one fails to start, the other is stopped before the
 * failure is rethrown (nothing is left running behind a benchmark that could not start).
 */
async function startTogether<A extends Service, B extends Service>(
  first: Promise<A>,
  second: Promise<B>,
): Promise<[A, B]> {
  const [a, b] = await Promise.allSettled([first, second]);
  if (a.status === 'fulfilled' && b.status === 'fulfilled') return [a.value, b.value];
  await Promise.all(
    [a, b].map((r) => (r.status === 'fulfilled' ? r.value.process.stop() : Promise.resolve())),
  );
  throw a.status === 'rejected' ? a.reason : (b as PromiseRejectedResult).reason;
}

interface Service {
  process: { stop(): Promise<unknown> };
}

/** A private temporary directory the postgres account can reach. */
export function benchDirectory(label: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), `maestro-bench-${label}-`));
  chmodSync(dir, 0o755);
  return dir;
}

/**
 * A whole maestro for a benchmark: its own Temporal dev server, PostgreSQL and Redis on free
 * loopback ports, and the production modules assembled in-process by `startSystem`.
 * `environment` is what a `maestro start` process joining it needs.
 */
export async function startStack(options: StackOptions) {
  installTemporalRuntime();
  const dir = benchDirectory('stack');
  const [temporal, stores] = await startTogether(
    freePort().then((port) =>
      startTemporal({
        dir: path.join(dir, 'temporal'),
        port,
        ...fileOf(dir),
        ...dynamicConfigOf(),
      }),
    ),
    startStores(dir).then((stores) => ({ ...stores, process: { stop: () => stores.stop() } })),
  );
  const environment: Record<string, string> = {
    MAESTRO_LOG_LEVEL: 'warn',
    MAESTRO_BIND_HOST: '127.0.0.1',
    MAESTRO_POSTGRES_URL: stores.databaseUrl,
    MAESTRO_REDIS_URL: stores.redisUrl,
    MAESTRO_TEMPORAL_ADDRESS: temporal.address,
    MAESTRO_TEMPORAL_TASK_QUEUE_PREFIX: 'bench',
    MAESTRO_LOCAL_RUNTIME_DIR: path.join(dir, 'rooms'),
    MAESTRO_HEALTH_CONTROLLER_INTERVAL_MS: String(options.healthControllerIntervalMs),
    MAESTRO_WORKER_INTERNAL_PORT: '0',
    MAESTRO_RUNTIME_WATCHER_INTERNAL_PORT: '0',
    MAESTRO_METRICS_REPORTER_INTERNAL_PORT: '0',
    MAESTRO_ROOMS_API_INTERNAL_PORT: '0',
    MAESTRO_ROOMS_API_PORT: '0',
    MAESTRO_ROOMS_API_GRPC_PORT: '0',
    MAESTRO_MANAGEMENT_API_PORT: '0',
    MAESTRO_MANAGEMENT_API_GRPC_PORT: '0',
    MAESTRO_MANAGEMENT_API_INTERNAL_PORT: '0',
    ...options.env,
  };
  const config = loadConfig(environment);
  const schedulers = new PostgresSchedulerStore(stores.pool);
  const stopServices = async () => {
    // Local rooms outlive maestro by design (docs/runtimes.md); a benchmark leaves none behind.
    const roomsDir = path.join(dir, 'rooms');
    await stopLocalRooms(roomsDir, await listLiveLocalRooms(roomsDir));
    await Promise.all([temporal.process.stop(), stores.stop()]);
    rmSync(dir, { recursive: true, force: true });
  };
  const connection = await Connection.connect({ address: temporal.address }).catch(
    async (error: unknown) => {
      await stopServices();
      throw error;
    },
  );
  const client = new Client({ connection });
  const queue = new TemporalOperationQueue(client, operationQueueConfig(config));
  const system = startSystem(
    options.modules ?? ['worker', 'runtime-watcher', 'metrics-reporter'],
    config,
    // BENCH_LOG_LEVEL=info: the modules' logs on stdout (exploration).
    pino({ level: process.env['BENCH_LOG_LEVEL'] ?? 'warn' }),
    (error) => console.error('module failed', error),
    { ...(options.autoscalingClock && { autoscalingClock: options.autoscalingClock }) },
  );
  await system.started.catch(async (error: unknown) => {
    await system.stop();
    await connection.close();
    await stopServices();
    throw error;
  });
  return {
    client,
    queue,
    schedulers,
    system,
    config,
    environment,
    redisPid: stores.redisPid,
    temporalPid: temporal.process.pid,
    commands: new SchedulerCommands({ schedulers, operations: queue }),
    async stop() {
      await system.stop();
      await connection.close();
      await stopServices();
    },
  };
}

/**
 * BENCH_TEMPORAL_DB=file: the dev server keeps its workflows in a SQLite file as `npm run dev`
 * does (default: in memory); BENCH_TEMPORAL_DB=file-default-pragmas: the same without maestro's
 * pragmas (SQLite's defaults).
 */
function fileOf(dir: string) {
  const kind = process.env['BENCH_TEMPORAL_DB'];
  if (!kind?.startsWith('file')) return {};
  const dbFile = path.join(dir, 'temporal', 'temporal.db');
  return kind === 'file-default-pragmas' ? { dbFile, sqlitePragmas: {} } : { dbFile };
}

/**
 * BENCH_TEMPORAL_DYNAMIC_CONFIG='{"key": value, …}': dynamic configuration of the dev server
 * (exploring the server's own settings).
 */
function dynamicConfigOf() {
  const json = process.env['BENCH_TEMPORAL_DYNAMIC_CONFIG'];
  return json ? { dynamicConfig: JSON.parse(json) as Record<string, unknown> } : {};
}

/** A minimal valid scheduler for the local runtime (no rooms are created by the benchmarks). */
export const benchScheduler = (name: string) => ({ ...schedulerDefinition(name), game: 'bench' });

export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
