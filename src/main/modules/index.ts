import type { Logger } from 'pino';
import type { Config, ModuleName } from '../../config/load';
import { createActivities } from '../../../activities';
import { TemporalOperationOutcomes } from '../../adapters/temporal/temporal-operation-outcomes';
import { buildManagementGrpcServer } from '../../api/management/grpc-server';
import { buildManagementHttpApp } from '../../api/management/http-routes';
import type { ManagementApiDeps } from '../../api/management/management-service';
import { createMetricsActivities } from '../../../activities/metrics-activities';
import { SupervisionSlots } from '../../../activities/supervision';
import { createWatcherActivities } from '../../../activities/watcher-activities';
import { TemporalHealthNudger } from '../../adapters/temporal/temporal-health-nudger';
import { PrometheusHttpMetrics } from '../../adapters/metrics/prometheus-http-metrics';
import { PrometheusOperationMetrics } from '../../adapters/metrics/prometheus-operation-metrics';
import { PrometheusSchedulerMetrics } from '../../adapters/metrics/prometheus-scheduler-metrics';
import { PrometheusWatcherMetrics } from '../../adapters/metrics/prometheus-watcher-metrics';
import { operationMetricsSinks } from '../../adapters/temporal/operation-metrics-sinks';
import { supervisionGauges } from '../../adapters/metrics/prometheus-supervision-metrics';
import type { HealthTimeouts } from '../../domain/health/health-plan';
import { OperationCommands } from '../../app/operation-commands';
import { SchedulerCommands } from '../../app/scheduler-commands';
import { SchedulerQueries } from '../../app/scheduler-queries';
import { codecAuthorizer, managementAccessGuard } from './access-wiring';
import { addCodecEndpoint } from './codec-wiring';
import { apiTlsFor, rateLimitsFor } from './api-security-wiring';
import { httpApiModule } from './http-api-module';
import { roomsApiModule } from './rooms-api-module';
import type { Module, ModuleDeps } from './module';
import type { Resources } from '../infra/resources';
import { createRoomLifecycle, roomEnvironmentFor } from './rooms-wiring';
import { temporalWorkerModule } from './temporal-worker-module';

/** The composition root of each module: which adapters it gets and what it checks for readiness. */
export function createModule(name: ModuleName, deps: ModuleDeps): Module {
  const { resources, log } = deps;
  const { config, checks } = resources;
  switch (name) {
    case 'management-api': {
      const api = {
        ...managementApiDeps(resources, log.child({ module: name })),
        httpMetrics: new PrometheusHttpMetrics(deps.registry, name),
      };
      const tls = apiTlsFor(config, log);
      const app = buildManagementHttpApp(api, tls?.httpsOptions());
      addCodecEndpoint(
        app,
        config.temporal,
        api.log,
        codecAuthorizer(config.access, api.log, () => resources.credentialVerifiers()),
      );
      return httpApiModule(
        {
          name,
          server: config.managementApi,
          app,
          grpc: {
            server: buildManagementGrpcServer(api, {
              shouldServeReflection: config.isGrpcReflectionOn,
            }),
            address: config.managementApiGrpc,
          },
          checks: [checks.postgres(), checks.redis(), checks.temporal()],
          ...(tls && { tls }),
        },
        deps,
      );
    }
    case 'rooms-api':
      return roomsApiModule(deps);
    case 'worker': {
      const { lifecycle, close } = createRoomLifecycle(resources, deps.registry, log);
      const metrics = new PrometheusOperationMetrics(deps.registry);
      return temporalWorkerModule(
        {
          name,
          taskQueue: config.temporal.taskQueues.operations,
          activities: createActivities({
            schedulers: resources.schedulerStore(),
            runtime: resources.runtime(),
            ports: resources.portAllocator(),
            rooms: resources.roomStore(),
            lifecycle,
            cacheInvalidator: resources.schedulerCacheInvalidator(),
            roomEnvironment: roomEnvironmentFor(config.rooms),
            timeouts: healthTimeouts(config),
            validationTimeoutMs: config.health.roomValidationTimeoutMs,
            schedulerDeletionTimeoutMs: config.health.schedulerDeletionTimeoutMs,
            outcomes: new TemporalOperationOutcomes(resources.temporalClient()),
            metrics,
            autoscaler: resources.autoscalerState(),
            clock: resources.clock,
          }),
          sinks: operationMetricsSinks(metrics),
          checks: [checks.postgres(), checks.redis()],
          stickyQueueScheduleToStartTimeoutMs: OPERATION_WORKER_STICKY_TIMEOUT_MS,
          close,
        },
        deps,
      );
    }
    case 'runtime-watcher': {
      const { lifecycle, close } = createRoomLifecycle(resources, deps.registry, log);
      return temporalWorkerModule(
        {
          name,
          taskQueue: config.temporal.taskQueues.runtimeWatcher,
          activities: createWatcherActivities({
            schedulers: resources.schedulerStore(),
            runtime: resources.runtime(),
            rooms: resources.roomStore(),
            lifecycle,
            ports: resources.portAllocator(),
            log: log.child({ module: name }),
            ...config.runtimeWatcher,
            schedulerCache: resources.schedulerCache(),
            nudger: new TemporalHealthNudger(resources.temporalClient()),
            autoscaler: resources.autoscalerState(),
            now: () => resources.clock().getTime(),
            timeouts: healthTimeouts(config),
            runDurationMs: SUPERVISOR_RUN_MS,
            slots: supervisionSlots(deps, name),
            liveness: resources.processLiveness(),
            shutdown: resources.shutdownSignal,
            metrics: new PrometheusWatcherMetrics(deps.registry),
          }),
          checks: [checks.postgres(), checks.redis()],
          maxHeartbeatThrottleIntervalMs: supervisionThrottle(config),
          maxConcurrentActivityTaskExecutions: config.supervision.schedulersPerProcess,
          close,
        },
        deps,
      );
    }
    case 'metrics-reporter':
      return temporalWorkerModule(
        {
          name,
          taskQueue: config.temporal.taskQueues.metrics,
          activities: createMetricsActivities({
            schedulers: resources.schedulerCache(),
            rooms: resources.roomStore(),
            autoscaler: resources.autoscalerState(),
            gauges: new PrometheusSchedulerMetrics(deps.registry),
            timeouts: healthTimeouts(config),
            intervalMs: config.metricsReporter.intervalMs,
            log: log.child({ module: name }),
            runDurationMs: SUPERVISOR_RUN_MS,
            slots: supervisionSlots(deps, name),
            liveness: resources.processLiveness(),
            shutdown: resources.shutdownSignal,
          }),
          checks: [checks.postgres(), checks.redis()],
          maxHeartbeatThrottleIntervalMs: supervisionThrottle(config),
          maxConcurrentActivityTaskExecutions: config.supervision.schedulersPerProcess,
        },
        deps,
      );
  }
}

/**
 * A killed operation worker's workflows (an operation whose step was just retried elsewhere) wait
 * this long for their next task instead of the SDK's 10 s (bench/operations/kill-recovery.ts).
 */
const OPERATION_WORKER_STICKY_TIMEOUT_MS = 3_000;

/**
 * A supervisor's activity hands over to a fresh one this often (bounded activity lifetimes; each
 * hand-over costs its workflow a scheduled activity, so daily rather than hourly). Its
 * start-to-close timeout (workflows/supervision.ts) is an hour longer.
 */
const SUPERVISOR_RUN_MS = 24 * 60 * 60_000;

/**
 * Each scheduler's watcher (or metrics reporter) holds one activity slot of its module's process
 * for as long as it runs (with the SDK's default of 100 slots, the 101st scheduler's supervisor
 * waited unstarted: bench/health/idle-schedulers.ts). Past the configured number per process, run
 * more processes of the module: an activity waiting for a slot starts on any process with one. A
 * full process says so in its log and its gauges.
 */
function supervisionSlots(deps: ModuleDeps, module: ModuleName): SupervisionSlots {
  const capacity = deps.resources.config.supervision.schedulersPerProcess;
  return new SupervisionSlots(capacity, module, deps.log, supervisionGauges(deps.registry, module));
}

/** Heartbeats of the supervisors' activities: one per 80% of their timeout (each is billed). */
const supervisionThrottle = (config: Config) =>
  Math.floor(config.operations.supervisionHeartbeatTimeoutMs * 0.8);

function healthTimeouts(config: Config): HealthTimeouts {
  return {
    pingTimeoutMs: config.health.roomPingTimeoutMs,
    initializationTimeoutMs: config.health.roomInitializationTimeoutMs,
    deletionTimeoutMs: config.health.roomDeletionTimeoutMs,
  };
}

/** The Management API's use cases on the process's shared connections. */
function managementApiDeps(resources: Resources, log: Logger): ManagementApiDeps {
  const schedulers = resources.schedulerStore();
  const operations = resources.operationQueue();
  const rateLimits = rateLimitsFor(resources, log);
  return {
    schedulerCommands: new SchedulerCommands({ schedulers, operations }),
    schedulerQueries: new SchedulerQueries(schedulers, resources.roomStore()),
    operationCommands: new OperationCommands(operations),
    log,
    guard: managementAccessGuard(resources.config.access, schedulers, log, () =>
      resources.credentialVerifiers(),
    ),
    isAuthRequired: resources.config.access.isRequired,
    ...(rateLimits && { rateLimits }),
    isTraced: resources.isTraced,
  };
}
