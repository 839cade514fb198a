/**
 * Maestro v1's configuration (`config/config.yaml`, or `MAESTRO_<PATH>` variables: viper with
 * prefix `maestro` and `.` → `_`) and what each key becomes here. One table; `convertMaestroV1Config` (maestro-v1-conversion.ts)
 * applies it. Pure: the command reads the file and the environment.
 */
import type { EnvironmentVariable } from './schema';

/** A Maestro value as YAML or the environment gives it. */
export type MaestroV1Value = string | number | boolean;
type Value = MaestroV1Value;

export interface Converted {
  /** Our variables that take the converted value (several when Maestro has one, we have one per module). */
  variables: readonly EnvironmentVariable[];
  convert: (value: Value) => string;
  note?: string;
}
interface NotConverted {
  why: string;
}
export type MaestroV1Setting = Converted | NotConverted;

const GO_DURATION_UNITS_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
};

/** Go's `time.ParseDuration` (`30s`, `1h30m`, `500ms`), in whole milliseconds; bare numbers are ns. */
export function goDurationMs(value: Value): string {
  if (typeof value === 'number') return String(Math.round(value / 1e6));
  const parts = [...String(value).matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/g)];
  const isWhole = parts.map(([part]) => part).join('') === String(value).trim();
  if (parts.length === 0 || !isWhole)
    throw new Error(`"${String(value)}" is not a Go duration such as 30s, 2m or 1h30m`);
  const ms = parts.reduce(
    (sum, [, amount, unit]) => sum + Number(amount) * GO_DURATION_UNITS_MS[unit!]!,
    0,
  );
  return String(Math.round(ms));
}

const asIs = (value: Value) => String(value);
const secondsToMs = (value: Value) => String(Number(value) * 1_000);

const same = (variable: EnvironmentVariable, note?: string): Converted => ({
  variables: [variable],
  convert: asIs,
  note,
});
const none = (why: string): NotConverted => ({ why });

const INTERNAL_PORTS: readonly EnvironmentVariable[] = [
  'MAESTRO_MANAGEMENT_API_INTERNAL_PORT',
  'MAESTRO_ROOMS_API_INTERNAL_PORT',
  'MAESTRO_WORKER_INTERNAL_PORT',
  'MAESTRO_RUNTIME_WATCHER_INTERNAL_PORT',
  'MAESTRO_METRICS_REPORTER_INTERNAL_PORT',
];

const ONE_REDIS =
  'maestro keeps rooms, instances and the scheduler cache in one Redis: these URLs must agree';
const IN_TEMPORAL =
  'no equivalent: operations, their queues and leases live in Temporal (MAESTRO_TEMPORAL_ADDRESS)';
const ALWAYS_ON = 'no equivalent: always on';

/** Every key Maestro v1 reads (its config.yaml plus keys read with defaults in code). */
export const MAESTRO_V1_SETTINGS: Readonly<Record<string, MaestroV1Setting>> = {
  'api.port': same('MAESTRO_MANAGEMENT_API_PORT'),
  'api.gracefulShutdownTimeout': {
    variables: ['MAESTRO_SHUTDOWN_TIMEOUT_MS'],
    convert: goDurationMs,
    note: 'one drain timeout for every module',
  },
  'api.metrics.enabled': none(ALWAYS_ON),
  'api.tracing.jaeger.disabled': none('no equivalent: maestro exports no traces'),
  'api.tracing.jaeger.agent_host': none('no equivalent: maestro exports no traces'),
  'api.tracing.jaeger.agent_port': none('no equivalent: maestro exports no traces'),
  'api.tracing.jaeger.sampler': none('no equivalent: maestro exports no traces'),
  'internalApi.port': {
    variables: INTERNAL_PORTS,
    convert: asIs,
    note: 'one internal port per module; `maestro start all` needs them distinct',
  },
  'internalApi.gracefulShutdownTimeout': none(
    'no equivalent: MAESTRO_SHUTDOWN_TIMEOUT_MS (from api.gracefulShutdownTimeout) covers the whole process',
  ),
  'internalApi.metrics.enabled': none(ALWAYS_ON),
  'internalApi.healthcheck.enabled': none(ALWAYS_ON),
  'internalApi.healthcheck.skipPostgresCheck': none(
    "no equivalent: /readyz checks exactly the module's own dependencies",
  ),
  'adapters.redis.poolSize': none('no equivalent: ioredis multiplexes one connection per process'),
  'adapters.redis.maxConnAge': none(
    'no equivalent: connections are kept and reconnected on failure',
  ),
  'adapters.schedulerStorage.postgres.url': same('MAESTRO_POSTGRES_URL'),
  'adapters.schedulerStorage.postgres.poolSize': same('MAESTRO_POSTGRES_POOL_SIZE'),
  'adapters.schedulerStorage.postgres.pooSize': none(
    "a misspelling in Maestro's shipped config.yaml that Maestro never read (it reads poolSize)",
  ),
  'adapters.schedulerStorage.postgres.minIdleConns': none(
    'no equivalent: idle connections close after 30 s',
  ),
  'adapters.roomStorage.redis.url': same('MAESTRO_REDIS_URL', ONE_REDIS),
  'adapters.instanceStorage.redis.url': same('MAESTRO_REDIS_URL', ONE_REDIS),
  'adapters.schedulerCache.redis.url': same('MAESTRO_REDIS_URL', ONE_REDIS),
  'adapters.instanceStorage.redis.scanSize': none('no equivalent: instances are read per room'),
  'adapters.operationStorage.redis.url': none(IN_TEMPORAL),
  'adapters.operationFlow.redis.url': none(IN_TEMPORAL),
  'adapters.operationLeaseStorage.redis.url': none(IN_TEMPORAL),
  'adapters.operationStorage.redis.operationsTtl.healthController': none(
    "no equivalent: finished operations stay as long as the Temporal namespace's retention",
  ),
  'workers.redis.operationsTtl': none(
    "no equivalent: finished operations stay as long as the Temporal namespace's retention",
  ),
  'adapters.portAllocator.random.range': none(
    'no equivalent: every scheduler names its host ports (portRange or hostPortRange)',
  ),
  'adapters.runtime.kubernetes.qps': same('MAESTRO_KUBERNETES_QPS'),
  'adapters.runtime.kubernetes.burst': same('MAESTRO_KUBERNETES_BURST'),
  'adapters.runtime.kubernetes.inCluster': same('MAESTRO_KUBERNETES_IN_CLUSTER'),
  'adapters.runtime.kubernetes.kubeconfig': same('MAESTRO_KUBERNETES_KUBECONFIG'),
  'adapters.runtime.kubernetes.masterUrl': none(
    "no equivalent: the API server is the kubeconfig's (or the pod's, in cluster)",
  ),
  'adapters.runtime.kubernetes.topologySpreadConstraint.enabled': none(
    'not supported: rooms get no topology spread constraint',
  ),
  'adapters.runtime.kubernetes.topologySpreadConstraint.maxSkew': none(
    'not supported: rooms get no topology spread constraint',
  ),
  'adapters.runtime.kubernetes.topologySpreadConstraint.topologyKey': none(
    'not supported: rooms get no topology spread constraint',
  ),
  'adapters.runtime.kubernetes.topologySpreadConstraint.whenUnsatisfiableScheduleAnyway': none(
    'not supported: rooms get no topology spread constraint',
  ),
  'adapters.grpc.keepAlive.time': none('no equivalent: forwarder connections use gRPC defaults'),
  'adapters.grpc.keepAlive.timeout': none('no equivalent: forwarder connections use gRPC defaults'),
  'workers.syncInterval': none(
    'no equivalent: each scheduler has its own Temporal workflow; nothing polls the database',
  ),
  'workers.stopTimeoutDuration': none(
    'no equivalent: workers drain within MAESTRO_SHUTDOWN_TIMEOUT_MS',
  ),
  'workers.healthControllerInterval': {
    variables: ['MAESTRO_HEALTH_CONTROLLER_INTERVAL_MS'],
    convert: goDurationMs,
    note: 'here a safety interval: room events nudge the health controller at once (docs/health.md)',
  },
  'workers.storageClenupInterval': none(
    "no equivalent: Temporal's retention removes finished operations",
  ),
  'reporter.metrics.intervalMillis': same('MAESTRO_METRICS_REPORTER_INTERVAL_MS'),
  'runtimeWatcher.disruptionWorker.intervalSeconds': {
    variables: ['MAESTRO_RUNTIME_WATCHER_DISRUPTION_INTERVAL_MS'],
    convert: secondsToMs,
  },
  'runtimeWatcher.disruptionWorker.safetyPercentage': none(
    'no equivalent: the disruption budget protects the occupied rooms',
  ),
  'operations.rooms.add.limit': none("fixed at 1000 rooms per add_rooms, as Maestro's default"),
  'operations.rooms.add.batchSize': none("fixed at 40 rooms per batch, as Maestro's default"),
  'operations.rooms.add.operationTimeout': none(
    'no equivalent: each room creation is a Temporal activity with its own timeout and retries',
  ),
  'operations.rooms.remove.limit': none('no equivalent: remove_rooms removes what it is asked'),
  'services.roomManager.roomPingTimeoutMillis': same('MAESTRO_ROOM_PING_TIMEOUT_MS'),
  'services.roomManager.roomInitializationTimeoutMillis': same(
    'MAESTRO_ROOM_INITIALIZATION_TIMEOUT_MS',
  ),
  'services.roomManager.roomValidationTimeoutMillis': same('MAESTRO_ROOM_VALIDATION_TIMEOUT_MS'),
  'services.roomManager.roomDeletionTimeoutMillis': same('MAESTRO_ROOM_DELETION_TIMEOUT_MS'),
  'services.roomManager.roomAllocationTTLMillis': same('MAESTRO_ROOM_ALLOCATION_TTL_MS'),
  'services.roomManager.roomValidationAttempts': none("fixed at 3, as Maestro's default"),
  'services.roomManager.roomValidationAcceptOccupiedStatus': none(
    'not supported: a validation room must report ready',
  ),
  'services.operationManager.operationLeaseTTLMillis': none(
    'no equivalent: Temporal activity heartbeats and timeouts replace leases',
  ),
  'services.eventsForwarder.schedulerCacheTTLMillis': same('MAESTRO_SCHEDULER_CACHE_TTL_MS'),
  'migration.path': none('no equivalent: migrations are built in (`maestro migrate`)'),
};

/** What Maestro v1 always implied: rooms run on Kubernetes, its only runtime. */
export const IMPLIED_SETTINGS: Readonly<Partial<Record<EnvironmentVariable, string>>> = {
  MAESTRO_RUNTIME: 'kubernetes',
};

/** The `MAESTRO_<PATH>` variable viper reads for a key. */
export const maestroV1Variable = (key: string) =>
  `MAESTRO_${key.replace(/\./g, '_').toUpperCase()}`;

const BY_LOWER_KEY = new Map(
  Object.keys(MAESTRO_V1_SETTINGS).map((key) => [key.toLowerCase(), key]),
);
const BY_VARIABLE = new Map(
  Object.keys(MAESTRO_V1_SETTINGS).map((key) => [maestroV1Variable(key), key]),
);

/** The table's spelling of a key given in any case (viper's keys are case-insensitive). */
export const canonicalKey = (key: string) => BY_LOWER_KEY.get(key.toLowerCase());
/** The key a `MAESTRO_*` variable of Maestro v1 sets, if any. */
export const keyOfVariable = (name: string) => BY_VARIABLE.get(name);
