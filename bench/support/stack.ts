import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { Pool } from 'pg';
import pino from 'pino';
import { createActivities } from '../../activities';
import { migrate } from '../../src/adapters/postgres/migrate';
import { PostgresSchedulerStore } from '../../src/adapters/postgres/postgres-scheduler-store';
import { createRedisClient } from '../../src/adapters/redis/client';
import { RedisPortAllocator } from '../../src/adapters/redis/redis-port-allocator';
import { LocalRuntime } from '../../src/adapters/runtime/local/local-runtime';
import { TemporalOperationQueue } from '../../src/adapters/temporal/temporal-operation-queue';
import { SchedulerCommands } from '../../src/app/scheduler-commands';
import { freePort } from '../../scripts/local-infra/paths';
import { ensureDatabase, startPostgres } from '../../scripts/local-infra/postgres';
import { startRedis } from '../../scripts/local-infra/redis';
import { startTemporal } from '../../scripts/local-infra/temporal';

const log = pino({ level: 'silent' });

/**
 * A whole operation-execution stack for a benchmark: its own Temporal dev server, PostgreSQL and
 * Redis on free loopback ports, and an in-process worker running the production workflows.
 */
export async function startStack(options: { healthControllerIntervalMs: number }) {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'maestro-bench-'));
  chmodSync(dir, 0o755);
  const [temporal, postgres, redis] = await Promise.all([
    freePort().then((port) => startTemporal({ dir: path.join(dir, 'temporal'), port })),
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
  ]);
  const pool = new Pool({
    connectionString: await ensureDatabase(postgres.adminUrl, 'maestro'),
    max: 10,
  });
  await migrate(pool, log);
  const redisClient = createRedisClient({ url: redis.url, keyPrefix: '' }, log);
  await new Promise((resolve) => redisClient.once('ready', resolve));
  const schedulers = new PostgresSchedulerStore(pool);
  const runtime = new LocalRuntime(
    { stateDir: path.join(dir, 'rooms'), advertisedHost: '127.0.0.1', pollIntervalMs: 500 },
    log,
  );
  const connection = await Connection.connect({ address: temporal.address });
  const client = new Client({ connection });
  const taskQueue = 'bench-operations';
  const queue = new TemporalOperationQueue(client, {
    taskQueue,
    finishedOperationsLimit: 500,
    ...options,
  });
  const workerConnection = await NativeConnection.connect({ address: temporal.address });
  const worker = await Worker.create({
    connection: workerConnection,
    taskQueue,
    workflowsPath: require.resolve('../../workflows'),
    activities: createActivities({
      schedulers,
      runtime,
      ports: new RedisPortAllocator(redisClient),
    }),
  });
  const running = worker.run();
  return {
    client,
    queue,
    schedulers,
    commands: new SchedulerCommands({ schedulers, operations: queue }),
    async stop() {
      worker.shutdown();
      await running;
      await Promise.all([
        pool.end(),
        redisClient.quit(),
        connection.close(),
        workerConnection.close(),
      ]);
      await Promise.all([temporal.process.stop(), postgres.process.stop(), redis.process.stop()]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A minimal valid scheduler for the local runtime (no rooms are created by the benchmarks). */
export function benchScheduler(name: string) {
  return {
    name,
    game: 'bench',
    maxSurge: '10%',
    roomsReplicas: 0,
    portRange: { start: 40000, end: 40999 },
    spec: {
      terminationGracePeriodMs: 5_000,
      containers: [
        {
          name: 'game',
          image: 'bench',
          imagePullPolicy: 'IfNotPresent',
          command: ['sleep', '600'],
          environment: [],
          requests: { cpu: '10m', memory: '16Mi' },
          limits: { cpu: '10m', memory: '16Mi' },
          ports: [{ name: 'game', protocol: 'tcp', port: 7000 }],
        },
      ],
    },
  };
}

export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
