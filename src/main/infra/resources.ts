import type { Client } from '@temporalio/client';
import type { WorkflowBundleOption } from '@temporalio/worker';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import { createPostgresPool, pingPostgres } from '../../adapters/postgres/pool';
import { createRedisClient, pingRedis, type RedisClient } from '../../adapters/redis/client';
import { createSubscriber } from '../../adapters/redis/subscriber';
import type { TemporalWorkerConnection } from '../../adapters/temporal/worker-connection';
import { loadWorkflowBundle } from '../../adapters/temporal/workflow-bundle';
import { OidcCredentialVerifier } from '../../adapters/oidc/oidc-credential-verifier';
import { PostgresApiKeyStore } from '../../adapters/postgres/postgres-api-key-store';
import { PostgresSchedulerStore } from '../../adapters/postgres/postgres-scheduler-store';
import { RedisPortAllocator } from '../../adapters/redis/redis-port-allocator';
import { RedisProcessLeases } from '../../adapters/redis/redis-process-leases';
import { TemporalAttemptFailer } from '../../adapters/temporal/temporal-attempt-failer';
import { ApiKeyVerifier } from '../../app/api-key-verifier';
import { ProcessLiveness } from '../../app/process-liveness';
import { RedisRoomStore } from '../../adapters/redis/redis-room-store';
import { RedisAutoscalerState } from '../../adapters/redis/redis-autoscaler-state';
import type { AutoscalerState } from '../../ports/autoscaler-state';
import {
  RedisSchedulerCache,
  RedisSchedulerCacheInvalidator,
} from '../../adapters/redis/redis-scheduler-cache';
import { KubernetesRuntime } from '../../adapters/runtime/kubernetes/kubernetes-runtime';
import { LocalRuntime } from '../../adapters/runtime/local/local-runtime';
import {
  TemporalOperationQueue,
  type TemporalOperationQueueConfig,
} from '../../adapters/temporal/temporal-operation-queue';
import type { CredentialVerifier } from '../../ports/credential-verifier';
import type { OperationQueue } from '../../ports/operation-queue';
import type { PortAllocator } from '../../ports/port-allocator';
import type { Runtime } from '../../ports/runtime';
import type { SchedulerStore } from '../../ports/scheduler-store';
import type { SchedulerCache, SchedulerCacheInvalidator } from '../../ports/scheduler-cache';
import type { Config } from '../../config/load';
import type { ReadinessCheck } from './readiness';
import { TemporalResources } from './temporal-resources';
import { Tracing } from './tracing';

/** How the Management API starts scheduler workflows, from the configuration. */
export function operationQueueConfig(config: Config): TemporalOperationQueueConfig {
  const { operations, temporal } = config;
  return {
    taskQueue: temporal.taskQueues.operations,
    healthControllerIntervalMs: operations.healthControllerIntervalMs,
    finishedOperationsLimit: operations.finishedOperationsLimit,
    callTimeoutMs: temporal.callTimeoutMs,
    supervision: {
      runtimeWatcherTaskQueue: temporal.taskQueues.runtimeWatcher,
      metricsTaskQueue: temporal.taskQueues.metrics,
      heartbeatTimeoutMs: operations.supervisionHeartbeatTimeoutMs,
    },
  };
}

/**
 * The process's connections, created on first use and shared by every module of the process
 * (`maestro start all` opens one pool, one Redis client and one Temporal connection, not five).
 * `close()` closes what was opened, newest first.
 */
export class Resources {
  private readonly closers: Array<{ name: string; close: () => Promise<unknown> }> = [];
  private pool?: Pool;
  private redisClient?: RedisClient;
  private readonly temporal: TemporalResources;
  private bundle?: Promise<WorkflowBundleOption>;
  private gameRoomRuntime?: Runtime;
  private activeSchedulers?: RedisSchedulerCache;
  private liveness?: ProcessLiveness;
  private verifiers?: readonly CredentialVerifier[];
  /** The process's OpenTelemetry tracing, when configured (MAESTRO_TRACING_ENABLED, OTEL_*). */
  readonly tracing?: Tracing;
  /** True when the process traces: adapters and APIs then make spans, else take no span path. */
  readonly isTraced: boolean;
  /** Aborted on shutdown so a connection still being retried gives up. */
  readonly shutdownSignal: AbortSignal;
  private readonly shutdownController = new AbortController();

  /** The clock of the health plans and the health watch (tests move it; else real time). */
  readonly clock: () => Date;

  constructor(
    readonly config: Config,
    readonly log: Logger,
    clock?: () => Date,
  ) {
    this.clock = clock ?? (() => new Date());
    this.shutdownSignal = this.shutdownController.signal;
    this.isTraced = config.tracing !== undefined;
    if (config.tracing) {
      const tracing = new Tracing(config.tracing);
      this.tracing = tracing;
      // First in, last closed: the spans of everything closing before it are exported.
      this.closers.push({ name: 'tracing', close: () => tracing.shutdown() });
    }
    this.temporal = new TemporalResources(
      config.temporal,
      log.child({ component: 'temporal' }),
      this.shutdownSignal,
      this.closers,
      this.tracing?.clientInterceptors(),
    );
  }

  postgres(): Pool {
    if (!this.pool) {
      const pool = createPostgresPool(
        this.config.postgres,
        this.log.child({ component: 'postgres' }),
      );
      this.pool = pool;
      this.closers.push({ name: 'postgres', close: () => pool.end() });
    }
    return this.pool;
  }

  /** The process's Redis client, in the mode MAESTRO_REDIS_MODE says. */
  redis(): RedisClient {
    if (!this.redisClient) {
      const client = createRedisClient(this.config.redis, this.log.child({ component: 'redis' }));
      this.redisClient = client;
      this.closers.push({
        name: 'redis',
        close: () => client.quit().catch(() => client.disconnect()),
      });
    }
    return this.redisClient;
  }

  temporalClient(): Client {
    return this.temporal.apiClient();
  }

  /** The workers' native connection (connect() retries until Temporal answers). */
  temporalWorkerConnection(): TemporalWorkerConnection {
    return this.temporal.worker();
  }

  workflowBundle(): Promise<WorkflowBundleOption> {
    this.bundle ??= loadWorkflowBundle(this.log.child({ component: 'temporal' }), {
      isTraced: this.isTraced,
    });
    return this.bundle;
  }

  schedulerStore(): SchedulerStore {
    return new PostgresSchedulerStore(this.postgres());
  }

  /** Rooms' state in Redis; also the room counts of GET /schedulers/info. */
  roomStore(): RedisRoomStore {
    return new RedisRoomStore(this.redis(), {
      allocationTtlMs: this.config.rooms.allocationTtlMs,
      isTraced: this.isTraced,
    });
  }

  /** The autoscaler's memory of each scheduler, beside its rooms in Redis. */
  autoscalerState(): AutoscalerState {
    return new RedisAutoscalerState(this.redis());
  }

  /** Active schedulers cached in this process, invalidated over Redis pub/sub (one per process). */
  schedulerCache(): SchedulerCache {
    if (!this.activeSchedulers) {
      const cache = new RedisSchedulerCache(
        this.schedulerStore(),
        createSubscriber(this.redis(), this.config.redis),
        { ttlMs: this.config.rooms.schedulerCacheTtlMs, keyPrefix: this.config.redis.keyPrefix },
        this.log.child({ component: 'scheduler-cache' }),
      );
      this.activeSchedulers = cache;
      this.closers.push({
        name: 'scheduler cache',
        close: () => Promise.resolve(cache.close()),
      });
    }
    return this.activeSchedulers;
  }

  /**
   * Every kind of bearer credential the deployment accepts, in the order they are asked: API keys
   * (always; `maestro keys`), then OpenID Connect tokens when a provider is configured. One set per
   * process, so the API-key cache and its batched last-use writes are shared by both APIs.
   */
  credentialVerifiers(): readonly CredentialVerifier[] {
    if (!this.verifiers) {
      const { apiKeys, oidc } = this.config.access;
      const keys = new ApiKeyVerifier(new PostgresApiKeyStore(this.postgres()), {
        ...apiKeys,
        log: this.log.child({ component: 'api-keys' }),
      });
      // Closed before the pool (closers run newest first): its last-use batch is written.
      this.closers.push({ name: 'api key verifier', close: () => keys.close() });
      this.verifiers = oidc ? [keys, new OidcCredentialVerifier(oidc)] : [keys];
    }
    return this.verifiers;
  }

  /** Call `invalidate(name)` after a scheduler's active version changes (see SchedulerCache). */
  schedulerCacheInvalidator(): SchedulerCacheInvalidator {
    return new RedisSchedulerCacheInvalidator(this.redis(), this.config.redis.keyPrefix);
  }

  portAllocator(): PortAllocator {
    return new RedisPortAllocator(this.redis());
  }

  operationQueue(): OperationQueue {
    return new TemporalOperationQueue(this.temporalClient(), operationQueueConfig(this.config));
  }

  /**
   * The process's liveness lease (one per process, whichever supervisor modules it runs): started
   * on first use, given up on close, after the workers drained.
   */
  processLiveness(): ProcessLiveness {
    if (!this.liveness) {
      const liveness = new ProcessLiveness({
        leases: new RedisProcessLeases(this.redis()),
        attempts: new TemporalAttemptFailer(this.temporalClient()),
        ttlMs: this.config.supervision.leaseTtlMs,
        log: this.log.child({ component: 'process-liveness' }),
      });
      this.liveness = liveness;
      this.closers.push({ name: 'process liveness', close: () => liveness.stop() });
      liveness.start(); // at once: a process with no supervisors yet still watches its peers
    }
    return this.liveness;
  }

  /** Where game rooms run, per MAESTRO_RUNTIME. */
  runtime(): Runtime {
    if (!this.gameRoomRuntime) {
      const config = this.config.runtime;
      const log = this.log.child({ component: 'runtime', runtime: config.kind });
      switch (config.kind) {
        case 'local':
          this.gameRoomRuntime = new LocalRuntime(config, log);
          break;
        case 'kubernetes':
          this.gameRoomRuntime = new KubernetesRuntime(config, log);
          break;
      }
    }
    return this.gameRoomRuntime;
  }

  readonly checks = {
    postgres: (): ReadinessCheck => ({
      name: 'postgres',
      check: () => pingPostgres(this.postgres()),
    }),
    redis: (): ReadinessCheck => ({ name: 'redis', check: () => pingRedis(this.redis()) }),
    temporal: (): ReadinessCheck => ({
      name: 'temporal',
      check: () => this.temporal.pingApiClient(),
    }),
  };

  /** Stops connection retries. */
  beginShutdown(): void {
    this.shutdownController.abort();
  }

  async close(): Promise<void> {
    this.beginShutdown();
    for (const { name, close } of this.closers.reverse()) {
      await close().catch((error: unknown) =>
        this.log.warn({ err: error, resource: name }, 'close failed'),
      );
    }
    this.closers.length = 0;
  }
}
