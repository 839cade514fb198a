import type { z } from 'zod';
import { checkAccessSettings, toAccessConfig, type AccessConfig } from './access';
import {
  checkApiTls,
  toApiTlsConfig,
  toRateLimitsConfig,
  type ApiTlsConfig,
  type RateLimitsConfig,
} from './api-security';
import { ConfigError, type ConfigProblem } from './problems';
import { checkRedisSettings, toRedisConfig, type RedisConfig } from './redis';
import { environmentSchema, type Environment, type EnvironmentVariable } from './schema';
import { ignoredServiceLinkVariables } from './service-links';
import { resolvePayloadEncryption, type PayloadEncryptionConfig } from './payload-encryption';
import { resolveTemporalConnection, type TemporalConnectionSettings } from './temporal';
import { resolveTracing, type TracingConfig } from './tracing';

export { ConfigError, type ConfigProblem } from './problems';
export type { AccessConfig, ApiKeysConfig, OidcConfig } from './access';
export type { ApiTlsConfig, RateLimitsConfig } from './api-security';
export type { PemSource, TemporalConnectionSettings, TemporalTlsSettings } from './temporal';
export type { PayloadEncryptionConfig, PayloadKey } from './payload-encryption';
export type { TracingConfig } from './tracing';

export const MODULE_NAMES = [
  'management-api',
  'rooms-api',
  'worker',
  'runtime-watcher',
  'metrics-reporter',
] as const;
export type ModuleName = (typeof MODULE_NAMES)[number];

export interface HttpServerConfig {
  host: string;
  port: number;
}

/** Typed configuration handed out in slices by the composition roots. */
export interface Config {
  logLevel: Environment['MAESTRO_LOG_LEVEL'];
  logFormat: Environment['MAESTRO_LOG_FORMAT'];
  shutdownTimeoutMs: number;
  readinessTimeoutMs: number;
  postgres: { url: string; poolSize: number };
  redis: RedisConfig;
  /** The connection (see `resolveTemporalConnection` for the precedence) and maestro's queues. */
  temporal: TemporalConnectionSettings & {
    taskQueues: { operations: string; runtimeWatcher: string; metrics: string };
    /** Deadline of each call the APIs make to Temporal. */
    callTimeoutMs: number;
    /** The payload codec's keys; absent: payloads are written in plain text. */
    payloadEncryption?: PayloadEncryptionConfig;
  };
  /** Each module's internal port serves /healthz, /readyz and /metrics. */
  internalServers: Record<ModuleName, HttpServerConfig>;
  managementApi: HttpServerConfig;
  /** The Management API's native gRPC server. */
  managementApiGrpc: HttpServerConfig;
  roomsApi: HttpServerConfig;
  /** The Rooms API's native gRPC server. */
  roomsApiGrpc: HttpServerConfig;
  /** Both native gRPC servers serve gRPC server reflection. */
  isGrpcReflectionOn: boolean;
  /** Rooms API processes sharing its ports (1: this process serves them itself). */
  roomsApiProcesses: number;
  /** TLS of both APIs' HTTP and gRPC listeners; absent: plain. */
  apiTls?: ApiTlsConfig;
  /** Rate limits per caller on mutating Management API calls and on AllocateRoom. */
  rateLimits: RateLimitsConfig;
  rooms: RoomsConfig;
  /** Credentials and roles on the Management API, matchmaker credentials on the Rooms API. */
  access: AccessConfig;
  runtime: RuntimeConfig;
  operations: OperationsConfig;
  health: HealthConfig;
  runtimeWatcher: {
    resyncIntervalMs: number;
    disruptionIntervalMs: number;
    /** The health watch's evaluation interval (0: off) and its nudges' minimum gap. */
    healthWatchIntervalMs: number;
    healthNudgeMinGapMs: number;
  };
  metricsReporter: { intervalMs: number };
  /** Runtime-watcher and metrics-reporter processes: one activity slot per supervised scheduler. */
  supervision: { schedulersPerProcess: number; leaseTtlMs: number };
  /** Workflows each Temporal worker of the process keeps cached (the SDK's `maxCachedWorkflows`). */
  workflowCacheSize: number;
  /**
   * The Temporal SDK's worker metrics on /metrics: served by the native core on this loopback port
   * (0: a free one) and included in every internal /metrics of the process; absent: off.
   */
  temporalSdkMetrics?: { port: number };
  /** OpenTelemetry tracing; absent: off. */
  tracing?: TracingConfig;
}

/** What the scheduler workflows are started with (see `SchedulerWorkflowInput`). */
export interface OperationsConfig {
  healthControllerIntervalMs: number;
  finishedOperationsLimit: number;
  /** Heartbeat timeout of the watcher's and metrics reporter's long-running activities. */
  supervisionHeartbeatTimeoutMs: number;
}

/** When the health controller gives up on a room (Maestro's roomManager timeouts). */
export interface HealthConfig {
  roomPingTimeoutMs: number;
  roomInitializationTimeoutMs: number;
  roomDeletionTimeoutMs: number;
  roomValidationTimeoutMs: number;
  /** delete_scheduler's wait for the rooms to go, counted from its first attempt. */
  schedulerDeletionTimeoutMs: number;
}

/** Room state, allocation, the scheduler cache and room authentication. */
export interface RoomsConfig {
  allocationTtlMs: number;
  schedulerCacheTtlMs: number;
  /** Per forwarder of a scheduler: calls in flight and events queued at most. */
  forwarding: { maxInFlight: number; maxQueued: number };
  /** `secret` empty: rooms get no token; `isRequired`: the Rooms API demands it. */
  auth: { secret: string; isRequired: boolean };
}

export type RuntimeConfig =
  | { kind: 'local'; stateDir: string; advertisedHost: string; pollIntervalMs: number }
  | {
      kind: 'kubernetes';
      kubeconfigPath?: string;
      inCluster: boolean;
      qps: number;
      burst: number;
      resyncIntervalMs: number;
    };

/**
 * Reads the `MAESTRO_*` variables of `env` (the only place that does) and returns the typed config,
 * or throws a {@link ConfigError} listing every problem at once, each naming its variable.
 * Kubernetes service-link variables are left out ({@link ignoredServiceLinkVariables}).
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): Config {
  const variables = pickMaestroVariables(env);
  const parsed = environmentSchema.safeParse(variables);
  if (!parsed.success) throw new ConfigError(toProblems(parsed.error));
  const temporal = resolveTemporalConnection(env, parsed.data);
  const encryption = resolvePayloadEncryption(parsed.data);
  const tracing = resolveTracing(parsed.data, env);
  const problems = [
    ...crossCheck(parsed.data),
    ...checkRedisSettings(parsed.data, new Set(Object.keys(variables))),
    ...checkAccessSettings(parsed.data),
    ...checkApiTls(parsed.data),
    ...temporal.problems,
    ...encryption.problems,
    ...tracing.problems,
  ];
  if (problems.length > 0 || !temporal.settings) throw new ConfigError(problems);
  const config = toConfig(parsed.data, temporal.settings);
  if (encryption.settings) config.temporal.payloadEncryption = encryption.settings;
  if (tracing.settings) config.tracing = tracing.settings;
  return config;
}

/** Rules between variables, checked once each variable is valid on its own. */
function crossCheck(env: Environment): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  if (env.MAESTRO_ROOM_AUTH_REQUIRED && env.MAESTRO_ROOM_AUTH_SECRET === '') {
    problems.push({
      variable: 'MAESTRO_ROOM_AUTH_REQUIRED',
      message: 'needs MAESTRO_ROOM_AUTH_SECRET to be set',
    });
  }
  if (
    env.MAESTRO_RUNTIME === 'kubernetes' &&
    env.MAESTRO_KUBERNETES_IN_CLUSTER === 'false' &&
    env.MAESTRO_KUBERNETES_KUBECONFIG === ''
  ) {
    problems.push({
      variable: 'MAESTRO_KUBERNETES_KUBECONFIG',
      message:
        'is required when MAESTRO_RUNTIME is kubernetes and MAESTRO_KUBERNETES_IN_CLUSTER is not true',
    });
  }
  return problems;
}

/**
 * The MAESTRO_* variables that are set, but for Kubernetes service links; an empty one counts as
 * unset, so its default applies.
 */
function pickMaestroVariables(env: Readonly<Record<string, string | undefined>>) {
  const serviceLinks = new Set(ignoredServiceLinkVariables(env));
  return Object.fromEntries(
    Object.entries(env).filter(
      ([name, value]) =>
        name.startsWith('MAESTRO_') &&
        value !== undefined &&
        value !== '' &&
        !serviceLinks.has(name),
    ),
  );
}

function toProblems(error: z.ZodError): ConfigProblem[] {
  return error.issues.flatMap((issue): ConfigProblem[] => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ variable: key, message: 'is not a maestro setting' }));
    }
    return [{ variable: String(issue.path[0] ?? '(environment)'), message: issue.message }];
  });
}

function toConfig(env: Environment, temporal: TemporalConnectionSettings): Config {
  const host = env.MAESTRO_BIND_HOST;
  const apiTls = toApiTlsConfig(env);
  const prefix = env.MAESTRO_TEMPORAL_TASK_QUEUE_PREFIX;
  const internal = (variable: EnvironmentVariable & `${string}_INTERNAL_PORT`) => ({
    host,
    port: env[variable],
  });
  return {
    logLevel: env.MAESTRO_LOG_LEVEL,
    logFormat: env.MAESTRO_LOG_FORMAT,
    shutdownTimeoutMs: env.MAESTRO_SHUTDOWN_TIMEOUT_MS,
    readinessTimeoutMs: env.MAESTRO_READINESS_TIMEOUT_MS,
    postgres: { url: env.MAESTRO_POSTGRES_URL, poolSize: env.MAESTRO_POSTGRES_POOL_SIZE },
    redis: toRedisConfig(env),
    temporal: {
      ...temporal,
      taskQueues: {
        operations: `${prefix}-operations`,
        runtimeWatcher: `${prefix}-runtime-watcher`,
        metrics: `${prefix}-metrics`,
      },
      callTimeoutMs: env.MAESTRO_TEMPORAL_CALL_TIMEOUT_MS,
    },
    internalServers: {
      'management-api': internal('MAESTRO_MANAGEMENT_API_INTERNAL_PORT'),
      'rooms-api': internal('MAESTRO_ROOMS_API_INTERNAL_PORT'),
      worker: internal('MAESTRO_WORKER_INTERNAL_PORT'),
      'runtime-watcher': internal('MAESTRO_RUNTIME_WATCHER_INTERNAL_PORT'),
      'metrics-reporter': internal('MAESTRO_METRICS_REPORTER_INTERNAL_PORT'),
    },
    managementApi: { host, port: env.MAESTRO_MANAGEMENT_API_PORT },
    managementApiGrpc: { host, port: env.MAESTRO_MANAGEMENT_API_GRPC_PORT },
    roomsApi: { host, port: env.MAESTRO_ROOMS_API_PORT },
    roomsApiGrpc: { host, port: env.MAESTRO_ROOMS_API_GRPC_PORT },
    isGrpcReflectionOn: env.MAESTRO_GRPC_REFLECTION === 'true',
    roomsApiProcesses: env.MAESTRO_ROOMS_API_PROCESSES,
    ...(apiTls && { apiTls }),
    rateLimits: toRateLimitsConfig(env),
    rooms: {
      allocationTtlMs: env.MAESTRO_ROOM_ALLOCATION_TTL_MS,
      schedulerCacheTtlMs: env.MAESTRO_SCHEDULER_CACHE_TTL_MS,
      forwarding: {
        maxInFlight: env.MAESTRO_FORWARDING_MAX_IN_FLIGHT,
        maxQueued: env.MAESTRO_FORWARDING_MAX_QUEUED,
      },
      auth: {
        secret: env.MAESTRO_ROOM_AUTH_SECRET,
        isRequired: env.MAESTRO_ROOM_AUTH_REQUIRED,
      },
    },
    access: toAccessConfig(env),
    runtime:
      env.MAESTRO_RUNTIME === 'local'
        ? {
            kind: 'local',
            stateDir: env.MAESTRO_LOCAL_RUNTIME_DIR,
            advertisedHost: env.MAESTRO_LOCAL_RUNTIME_HOST,
            pollIntervalMs: env.MAESTRO_LOCAL_RUNTIME_POLL_INTERVAL_MS,
          }
        : {
            kind: 'kubernetes',
            ...(env.MAESTRO_KUBERNETES_KUBECONFIG && {
              kubeconfigPath: env.MAESTRO_KUBERNETES_KUBECONFIG,
            }),
            inCluster: env.MAESTRO_KUBERNETES_IN_CLUSTER === 'true',
            qps: env.MAESTRO_KUBERNETES_QPS,
            burst: env.MAESTRO_KUBERNETES_BURST,
            resyncIntervalMs: env.MAESTRO_KUBERNETES_RESYNC_INTERVAL_MS,
          },
    operations: {
      healthControllerIntervalMs: env.MAESTRO_HEALTH_CONTROLLER_INTERVAL_MS,
      finishedOperationsLimit: env.MAESTRO_OPERATIONS_FINISHED_LIMIT,
      supervisionHeartbeatTimeoutMs: env.MAESTRO_SUPERVISION_HEARTBEAT_TIMEOUT_MS,
    },
    health: {
      roomPingTimeoutMs: env.MAESTRO_ROOM_PING_TIMEOUT_MS,
      roomInitializationTimeoutMs: env.MAESTRO_ROOM_INITIALIZATION_TIMEOUT_MS,
      roomDeletionTimeoutMs: env.MAESTRO_ROOM_DELETION_TIMEOUT_MS,
      roomValidationTimeoutMs: env.MAESTRO_ROOM_VALIDATION_TIMEOUT_MS,
      schedulerDeletionTimeoutMs: env.MAESTRO_SCHEDULER_DELETION_TIMEOUT_MS,
    },
    runtimeWatcher: {
      resyncIntervalMs: env.MAESTRO_RUNTIME_WATCHER_RESYNC_INTERVAL_MS,
      disruptionIntervalMs: env.MAESTRO_RUNTIME_WATCHER_DISRUPTION_INTERVAL_MS,
      healthWatchIntervalMs: env.MAESTRO_HEALTH_WATCH_INTERVAL_MS,
      healthNudgeMinGapMs: env.MAESTRO_HEALTH_NUDGE_MIN_GAP_MS,
    },
    metricsReporter: { intervalMs: env.MAESTRO_METRICS_REPORTER_INTERVAL_MS },
    supervision: {
      schedulersPerProcess: env.MAESTRO_SUPERVISION_SCHEDULERS_PER_PROCESS,
      leaseTtlMs: env.MAESTRO_SUPERVISION_LEASE_TTL_MS,
    },
    workflowCacheSize: env.MAESTRO_WORKFLOW_CACHE_SIZE,
    ...(env.MAESTRO_TEMPORAL_SDK_METRICS === 'true' && {
      temporalSdkMetrics: { port: env.MAESTRO_TEMPORAL_SDK_METRICS_PORT },
    }),
  };
}
