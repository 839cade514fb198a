import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { Pool } from 'pg';
import pino from 'pino';
import { freePort } from '../../scripts/local-infra/paths';
import { PostgresSchedulerStore } from '../../src/adapters/postgres/postgres-scheduler-store';
import { createPostgresPool } from '../../src/adapters/postgres/pool';
import { createRedisClient, type RedisClient } from '../../src/adapters/redis/client';
import { RedisRoomStore } from '../../src/adapters/redis/redis-room-store';
import { KubernetesRuntime } from '../../src/adapters/runtime/kubernetes/kubernetes-runtime';
import { LocalRuntime } from '../../src/adapters/runtime/local/local-runtime';
import { dataConverterOf } from '../../src/adapters/temporal/payload-data-converter';
import { TemporalOperationQueue } from '../../src/adapters/temporal/temporal-operation-queue';
import { OperationCommands } from '../../src/app/operation-commands';
import { SchedulerCommands } from '../../src/app/scheduler-commands';
import { loadConfig, type ModuleName } from '../../src/config/load';
import type { OperationDetails, OperationStatus } from '../../src/domain/operations/operation';
import { operationQueueConfig } from '../../src/main/infra/resources';
import { startSystem, type System } from '../../src/main/system';
import type { Runtime } from '../../src/ports/runtime';
import { createTestDatabase, kubernetesInfra, sharedInfra, uniqueSuffix } from './infra';
import { RoomSimulator } from './room-simulator';

const log = pino({ level: 'silent' });

/** Every module but the Management API, whose use cases tests call directly (or serve themselves). */
const IN_PROCESS_MODULES: readonly ModuleName[] = [
  'worker',
  'runtime-watcher',
  'metrics-reporter',
  'rooms-api',
];

export interface HarnessOptions {
  /**
   * Default one hour, with the health watch off: the health controller stays out of tests that do
   * not exercise it.
   */
  healthControllerIntervalMs?: number;
  /** false: no operation execution worker in-process (a test runs `maestro start worker`). */
  runWorker?: boolean;
  /** More MAESTRO_* settings for the in-process modules (and `maestroEnvironment()`). */
  env?: Record<string, string>;
  /** Leave these modules out (a test runs them as `maestro start` processes). */
  without?: readonly ModuleName[];
  /**
   * Play the rooms (`RoomSimulator`): needed where rooms run no code (kwok pods), the default on
   * Kubernetes. Local rooms ping by themselves.
   */
  simulateRooms?: boolean;
  /** The modules' autoscaling clock (schedule windows, idle times); default: real time. */
  autoscalingClock?: () => Date;
}

/** A step of `stop()` still running after this long is named on stderr. */
const SLOW_STOP_STEP_MS = 15_000;

/**
 * The system of one test file on the run's real services, assembled by the production composition
 * root (`startSystem`): its own database, Redis key prefix, local-runtime directory and task
 * queues, with the worker, runtime watcher, metrics reporter and Rooms API running in-process.
 * Tests drive it through the Management API's use cases and inspect the runtime directly.
 */
export class OperationsHarness {
  readonly suffix = uniqueSuffix();
  /** Task-queue prefix of this harness's modules (and of a `maestro start` process joining it). */
  readonly taskQueuePrefix = `it-ops-${this.suffix}`;
  readonly taskQueue = `${this.taskQueuePrefix}-operations`;
  readonly runtimeDir = mkdtempSync(path.join(os.tmpdir(), 'maestro-ops-rooms-'));
  /** The runtime as tests see it (the modules have their own instance on the same rooms). */
  readonly runtime: Runtime;

  /**
   * Rooms run as local processes, or as pods on the run's Kubernetes API server (kwok nodes), or
   * on the cluster of `kubeconfig` (a chaos test's own, which it may restart).
   */
  constructor(
    readonly runtimeKind: 'local' | 'kubernetes' = 'local',
    private readonly kubeconfig = runtimeKind === 'kubernetes' ? kubernetesInfra().kubeconfig : '',
  ) {
    this.runtime =
      runtimeKind === 'local'
        ? new LocalRuntime(
            { stateDir: this.runtimeDir, advertisedHost: '127.0.0.1', pollIntervalMs: 100 },
            log,
          )
        : new KubernetesRuntime(
            {
              kubeconfigPath: kubeconfig,
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
  redis!: RedisClient;
  /** Rooms' state, as the modules keep it. */
  rooms!: RedisRoomStore;
  /** Where rooms ping (`http://127.0.0.1:<port>`). */
  roomsApiAddress = '';
  system?: System;
  /** Plays the rooms when started (see `HarnessOptions.simulateRooms`). */
  simulator?: RoomSimulator;
  /** Failures the in-process modules reported after starting. */
  readonly failures: unknown[] = [];
  private environment: Record<string, string> = {};
  private pool!: Pool;
  database!: Awaited<ReturnType<typeof createTestDatabase>>;
  private connection!: Connection;

  async start(options: HarnessOptions = {}) {
    const infra = sharedInfra();
    this.database = await createTestDatabase();
    const roomsApiPort = await freePort();
    this.roomsApiAddress = `http://127.0.0.1:${roomsApiPort}`;
    this.environment = {
      MAESTRO_BIND_HOST: '127.0.0.1',
      MAESTRO_LOG_LEVEL: 'silent',
      MAESTRO_POSTGRES_URL: this.database.url,
      MAESTRO_REDIS_URL: infra.redisUrl,
      MAESTRO_REDIS_KEY_PREFIX: `it-ops-${this.suffix}:`,
      MAESTRO_TEMPORAL_ADDRESS: infra.temporalAddress,
      MAESTRO_TEMPORAL_TASK_QUEUE_PREFIX: this.taskQueuePrefix,
      ...(this.runtimeKind === 'local'
        ? {
            MAESTRO_RUNTIME: 'local',
            MAESTRO_LOCAL_RUNTIME_DIR: this.runtimeDir,
            MAESTRO_LOCAL_RUNTIME_POLL_INTERVAL_MS: '100',
          }
        : { MAESTRO_RUNTIME: 'kubernetes', MAESTRO_KUBERNETES_KUBECONFIG: this.kubeconfig }),
      MAESTRO_HEALTH_CONTROLLER_INTERVAL_MS: String(
        options.healthControllerIntervalMs ?? 3_600_000,
      ),
      // The health watch's nudges too (on, every second, where a test sets the interval).
      MAESTRO_HEALTH_WATCH_INTERVAL_MS:
        options.healthControllerIntervalMs === undefined ? '0' : '1000',
      MAESTRO_OPERATIONS_FINISHED_LIMIT: '100',
      MAESTRO_SUPERVISION_HEARTBEAT_TIMEOUT_MS: '10000',
      MAESTRO_RUNTIME_WATCHER_RESYNC_INTERVAL_MS: '5000',
      MAESTRO_METRICS_REPORTER_INTERVAL_MS: '1000',
      MAESTRO_ROOMS_API_PORT: String(roomsApiPort),
      MAESTRO_ROOMS_API_GRPC_PORT: '0',
      MAESTRO_ROOMS_API_INTERNAL_PORT: '0',
      MAESTRO_WORKER_INTERNAL_PORT: '0',
      MAESTRO_RUNTIME_WATCHER_INTERNAL_PORT: '0',
      MAESTRO_METRICS_REPORTER_INTERNAL_PORT: '0',
      ...options.env,
    };
    const config = loadConfig(this.environment);
    this.pool = createPostgresPool({ url: this.database.url, poolSize: 5 }, log);
    this.redis = createRedisClient(config.redis, log);
    await new Promise((resolve) => this.redis.once('ready', resolve));
    this.rooms = new RedisRoomStore(this.redis, { allocationTtlMs: config.rooms.allocationTtlMs });
    this.schedulers = new PostgresSchedulerStore(this.pool);
    this.connection = await Connection.connect({ address: config.temporal.address });
    // The modules' data converter: payloads sealed when the test configures payload keys.
    const dataConverter = dataConverterOf(config.temporal.payloadEncryption);
    this.client = new Client({
      connection: this.connection,
      ...(dataConverter && { dataConverter }),
    });
    this.queue = new TemporalOperationQueue(this.client, operationQueueConfig(config));
    this.commands = new SchedulerCommands({ schedulers: this.schedulers, operations: this.queue });
    this.operations = new OperationCommands(this.queue);
    const without = [
      ...(options.without ?? []),
      ...(options.runWorker === false ? ['worker'] : []),
    ];
    const modules = IN_PROCESS_MODULES.filter((name) => !without.includes(name));
    this.system = startSystem(modules, config, log, (error) => this.failures.push(error), {
      ...(options.autoscalingClock && { autoscalingClock: options.autoscalingClock }),
    });
    await this.system.started;
    this.simulator = new RoomSimulator({
      rooms: this.rooms,
      schedulers: this.schedulers,
      roomsApiAddress: this.roomsApiAddress,
    });
    if (options.simulateRooms ?? this.runtimeKind === 'kubernetes') this.simulator.start();
  }

  async stop() {
    // A stop outlasted its 120 s hook once under load (seen in CI, not reproduced): a step still
    // running after SLOW_STOP_STEP_MS is named on stderr, so the next occurrence says where.
    const step = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
      const warning = setTimeout(
        () => console.warn(`harness stop: ${name} still running after ${SLOW_STOP_STEP_MS} ms`),
        SLOW_STOP_STEP_MS,
      );
      try {
        return await work();
      } finally {
        clearTimeout(warning);
      }
    };
    await step('simulator', async () => this.simulator?.stop());
    await step('system', async () => this.system?.stop());
    // Rooms outlive maestro by design: stop every room this file created before leaving.
    mkdirSync(path.join(this.runtimeDir, 'rooms'), { recursive: true });
    const localSpaces = readdirSync(path.join(this.runtimeDir, 'rooms'), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name);
    const stored = (await this.schedulers.listSchedulers()).map((scheduler) => scheduler.name);
    const spaces = [...new Set([...localSpaces, ...stored])];
    await step('rooms', () =>
      Promise.all(spaces.map((name) => this.runtime.deleteSchedulerSpace(name))),
    );
    await step('connections', () =>
      Promise.all([this.pool.end(), this.redis.quit(), this.connection.close()]),
    );
    await step('database', () => this.database.drop());
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

  /** The environment of a `maestro start` process joining this harness's system. */
  maestroEnvironment(): Record<string, string> {
    return { ...this.environment };
  }

  /**
   * A valid scheduler running the sample game room, which pings this harness's Rooms API
   * (`isSelfPinging: false`: it does not, and the simulator plays it).
   */
  schedulerInput(
    name: string,
    overrides: Record<string, unknown> = {},
    { isSelfPinging = true } = {},
  ) {
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
              {
                name: 'ROOMS_API_ADDRESS',
                value: isSelfPinging ? this.roomsApiAddress : 'http://127.0.0.1:1',
              },
              { name: 'PING_INTERVAL_MS', value: '1000' },
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

/**
 * 200 host ports for each scheduler, the same for every call with its name, between 24000 and
 * 31999: below the kernel's ephemeral range (from 32768), where any outgoing connection may hold
 * a port and a local room listening on it crashes; above the ports `freePortRange` picks (below
 * 23000) for tests that start services or rooms by port number.
 */
function portRangeOf(schedulerName: string) {
  let hash = 0;
  for (const char of schedulerName) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  const start = 24_000 + (hash % 40) * 200;
  return { start, end: start + 199 };
}
