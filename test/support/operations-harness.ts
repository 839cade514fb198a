import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import type { Redis } from 'ioredis';
import type { Pool } from 'pg';
import pino from 'pino';
import { createActivities } from '../../activities';
import { PostgresSchedulerStore } from '../../src/adapters/postgres/postgres-scheduler-store';
import { createPostgresPool } from '../../src/adapters/postgres/pool';
import { createRedisClient } from '../../src/adapters/redis/client';
import { RedisPortAllocator } from '../../src/adapters/redis/redis-port-allocator';
import { KubernetesRuntime } from '../../src/adapters/runtime/kubernetes/kubernetes-runtime';
import { LocalRuntime } from '../../src/adapters/runtime/local/local-runtime';
import type { Runtime } from '../../src/ports/runtime';
import { TemporalOperationQueue } from '../../src/adapters/temporal/temporal-operation-queue';
import { OperationCommands } from '../../src/app/operation-commands';
import { SchedulerCommands } from '../../src/app/scheduler-commands';
import type { OperationDetails, OperationStatus } from '../../src/domain/operations/operation';
import { createTestDatabase, sharedInfra, uniqueSuffix } from './infra';

const log = pino({ level: 'silent' });

/**
 * The operation execution stack of one test file on the run's real services: its own database,
 * Redis key prefix, local-runtime directory and task queue, and an in-process worker running the
 * production workflows and activities.
 */
export class OperationsHarness {
  readonly suffix = uniqueSuffix();
  /** Task-queue prefix of a `maestro start worker` process serving this harness. */
  readonly taskQueuePrefix = `it-ops-${this.suffix}`;
  readonly taskQueue = `${this.taskQueuePrefix}-operations`;
  readonly runtimeDir = mkdtempSync(path.join(os.tmpdir(), 'maestro-ops-rooms-'));
  readonly runtime: Runtime;

  /** Rooms run as local processes, or as pods on the run's Kubernetes API server (kwok nodes). */
  constructor(readonly runtimeKind: 'local' | 'kubernetes' = 'local') {
    this.runtime =
      runtimeKind === 'local'
        ? new LocalRuntime(
            { stateDir: this.runtimeDir, advertisedHost: '127.0.0.1', pollIntervalMs: 100 },
            log,
          )
        : new KubernetesRuntime(
            {
              kubeconfigPath: sharedInfra().kubeconfig,
              inCluster: false,
              qps: 200,
              burst: 400,
              resyncIntervalMs: 30_000,
            },
            log,
          );
  }
  schedulers!: PostgresSchedulerStore;
  commands!: SchedulerCommands;
  operations!: OperationCommands;
  queue!: TemporalOperationQueue;
  client!: Client;
  redis!: Redis;
  private pool!: Pool;
  database!: Awaited<ReturnType<typeof createTestDatabase>>;
  private connection!: Connection;
  private workerConnection!: NativeConnection;
  private worker?: Worker;
  private running?: Promise<void>;

  async start(options: { healthControllerIntervalMs?: number; runWorker?: boolean } = {}) {
    const infra = sharedInfra();
    this.database = await createTestDatabase();
    this.pool = createPostgresPool({ url: this.database.url, poolSize: 5 }, log);
    this.redis = createRedisClient(
      { url: infra.redisUrl, keyPrefix: `it-ops-${this.suffix}:` },
      log,
    );
    await new Promise((resolve) => this.redis.once('ready', resolve));
    this.schedulers = new PostgresSchedulerStore(this.pool);
    this.connection = await Connection.connect({ address: infra.temporalAddress });
    this.client = new Client({ connection: this.connection });
    this.queue = new TemporalOperationQueue(this.client, {
      taskQueue: this.taskQueue,
      healthControllerIntervalMs: options.healthControllerIntervalMs ?? 3_600_000,
      finishedOperationsLimit: 100,
    });
    this.commands = new SchedulerCommands({ schedulers: this.schedulers, operations: this.queue });
    this.operations = new OperationCommands(this.queue);
    this.workerConnection = await NativeConnection.connect({ address: infra.temporalAddress });
    if (options.runWorker ?? true) await this.startWorker();
  }

  async startWorker() {
    this.worker = await Worker.create({
      connection: this.workerConnection,
      taskQueue: this.taskQueue,
      workflowsPath: require.resolve('../../workflows'),
      activities: createActivities({
        schedulers: this.schedulers,
        runtime: this.runtime,
        ports: new RedisPortAllocator(this.redis),
      }),
    });
    this.running = this.worker.run();
  }

  async stop() {
    this.worker?.shutdown();
    await this.running;
    // Rooms outlive maestro by design: stop every room this file created before leaving.
    mkdirSync(path.join(this.runtimeDir, 'rooms'), { recursive: true });
    const localSpaces = readdirSync(path.join(this.runtimeDir, 'rooms'), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name);
    const stored = (await this.schedulers.listSchedulers()).map((scheduler) => scheduler.name);
    const spaces = [...new Set([...localSpaces, ...stored])];
    await Promise.all(spaces.map((name) => this.runtime.deleteSchedulerSpace(name)));
    await Promise.all([
      this.pool.end(),
      this.redis.quit(),
      this.connection.close(),
      this.workerConnection.close(),
    ]);
    await this.database.drop();
    rmSync(this.runtimeDir, { recursive: true, force: true });
  }

  /** Polls the operation until it reaches `status` (fails fast on another final status). */
  async waitForOperation(
    schedulerName: string,
    operationId: string,
    status: OperationStatus,
    timeoutMs = 60_000,
  ) {
    const deadline = Date.now() + timeoutMs;
    let last: OperationDetails | undefined;
    while (Date.now() < deadline) {
      last = await this.queue.get(schedulerName, operationId).catch(() => undefined);
      if (last?.status === status) return last;
      if (
        last &&
        last.status !== status &&
        ['finished', 'error', 'canceled', 'evicted'].includes(last.status)
      )
        break;
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
    throw new Error(
      `operation ${operationId} is ${last?.status ?? 'unknown'}, not ${status}: ${JSON.stringify(last?.executionHistory)}`,
    );
  }

  /** The environment of a maestro process sharing this harness's services and rooms. */
  maestroEnvironment(): Record<string, string> {
    return {
      MAESTRO_BIND_HOST: '127.0.0.1',
      MAESTRO_POSTGRES_URL: this.database.url,
      MAESTRO_REDIS_URL: sharedInfra().redisUrl,
      MAESTRO_REDIS_KEY_PREFIX: `it-ops-${this.suffix}:`,
      MAESTRO_TEMPORAL_ADDRESS: sharedInfra().temporalAddress,
      MAESTRO_TEMPORAL_TASK_QUEUE_PREFIX: this.taskQueuePrefix,
      MAESTRO_RUNTIME: 'local',
      MAESTRO_LOCAL_RUNTIME_DIR: this.runtimeDir,
    };
  }

  /** A valid scheduler for the local runtime, running the sample game room. */
  schedulerInput(name: string, overrides: Record<string, unknown> = {}) {
    return {
      name,
      game: 'tennis',
      maxSurge: '25%',
      roomsReplicas: 0,
      portRange: portRangeOf(name),
      spec: {
        terminationGracePeriodMs: 5_000,
        toleration: '',
        affinity: '',
        containers: [
          {
            name: 'game',
            image: 'sample-game-room',
            imagePullPolicy: 'IfNotPresent',
            command: ['node', path.resolve(__dirname, '../../examples/game-room/index.js')],
            environment: [
              { name: 'ROOMS_API_ADDRESS', value: 'http://127.0.0.1:1' },
              { name: 'PING_INTERVAL_MS', value: '60000' },
            ],
            requests: { cpu: '10m', memory: '32Mi' },
            limits: { cpu: '100m', memory: '64Mi' },
            ports: [{ name: 'game', protocol: 'tcp', port: 7777 }],
          },
        ],
      },
      ...overrides,
    };
  }
}

/** 200 host ports of its own for each scheduler, the same for every call with its name. */
function portRangeOf(schedulerName: string) {
  let hash = 0;
  for (const char of schedulerName) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  const start = 20_000 + (hash % 200) * 200;
  return { start, end: start + 199 };
}
