import {
  convertMaestroV1Config,
  type MaestroV1Entry,
} from '../../src/config/maestro-v1-conversion';
import {
  goDurationMs,
  keyOfVariable,
  MAESTRO_V1_SETTINGS,
  maestroV1Variable,
} from '../../src/config/maestro-v1-settings';
import { environmentSchema } from '../../src/config/schema';

const entry = (key: string, value: string | number | boolean, origin = 'config.yaml') =>
  ({ key, value, origin }) satisfies MaestroV1Entry;

/** Every key of the config.yaml Maestro v1 ships, with its default value there. */
const MAESTRO_DEFAULTS: Record<string, string | number | boolean> = {
  'api.port': 8080,
  'api.gracefulShutdownTimeout': '30s',
  'api.metrics.enabled': true,
  'api.tracing.jaeger.disabled': true,
  'internalApi.port': 8081,
  'internalApi.gracefulShutdownTimeout': '30s',
  'internalApi.metrics.enabled': true,
  'internalApi.healthcheck.enabled': true,
  'internalApi.healthcheck.skipPostgresCheck': false,
  'adapters.redis.poolSize': 500,
  'adapters.schedulerStorage.postgres.url':
    'postgres://maestro:maestro@localhost:5432/maestro?sslmode=disable',
  'adapters.schedulerStorage.postgres.pooSize': 20,
  'adapters.schedulerStorage.postgres.minIdleConns': 10,
  'adapters.schedulerCache.redis.url': 'redis://localhost:6379/0',
  'adapters.operationStorage.redis.url': 'redis://localhost:6379/0',
  'adapters.operationStorage.redis.operationsTtl.healthController': '24h',
  'adapters.operationFlow.redis.url': 'redis://localhost:6379/0',
  'adapters.operationLeaseStorage.redis.url': 'redis://localhost:6379/0',
  'adapters.roomStorage.redis.url': 'redis://localhost:6379/0',
  'adapters.instanceStorage.redis.url': 'redis://localhost:6379/0',
  'adapters.portAllocator.random.range': '60001-60010',
  'adapters.runtime.kubernetes.qps': 100,
  'adapters.runtime.kubernetes.burst': 200,
  'adapters.runtime.kubernetes.inCluster': false,
  'adapters.runtime.kubernetes.masterUrl': 'https://127.0.0.1:6443',
  'adapters.runtime.kubernetes.kubeconfig': './kubeconfig/kubeconfig.yaml',
  'adapters.runtime.kubernetes.topologySpreadConstraint.enabled': true,
  'adapters.runtime.kubernetes.topologySpreadConstraint.maxSkew': 5,
  'adapters.runtime.kubernetes.topologySpreadConstraint.topologyKey': 'topology.kubernetes.io/zone',
  'adapters.runtime.kubernetes.topologySpreadConstraint.whenUnsatisfiableScheduleAnyway': false,
  'adapters.grpc.keepAlive.time': '30s',
  'adapters.grpc.keepAlive.timeout': '5s',
  'workers.syncInterval': '10s',
  'workers.stopTimeoutDuration': '2m',
  'workers.redis.operationsTTL': '24h',
  'workers.healthControllerInterval': '1m',
  'workers.storageClenupInterval': '3h',
  'reporter.metrics.intervalMillis': 10000,
  'runtimeWatcher.disruptionWorker.intervalSeconds': 60,
  'runtimeWatcher.disruptionWorker.safetyPercentage': 0.05,
  'operations.rooms.add.limit': 1000,
  'operations.rooms.add.batchSize': 40,
  'operations.rooms.add.operationTimeout': '5s',
  'operations.rooms.remove.limit': 50,
  'services.roomManager.roomPingTimeoutMillis': 240000,
  'services.roomManager.roomInitializationTimeoutMillis': 120000,
  'services.roomManager.roomValidationTimeoutMillis': 120000,
  'services.roomManager.roomDeletionTimeoutMillis': 120000,
  'services.roomManager.roomAllocationTTLMillis': 300000,
  'services.roomManager.roomValidationAttempts': 3,
  'services.roomManager.roomValidationAcceptOccupiedStatus': false,
  'services.operationManager.operationLeaseTTLMillis': 5000,
  'services.eventsForwarder.schedulerCacheTTLMillis': 120000,
  'migration.path': 'file://app/migrations',
};

describe('Maestro v1 configuration mapping', () => {
  it("converts Maestro's shipped config.yaml with every key known and no problem", () => {
    const entries = Object.entries(MAESTRO_DEFAULTS).map(([key, value]) => entry(key, value));

    const { settings, problems, notConverted } = convertMaestroV1Config(entries);

    expect(problems).toEqual([]);
    expect(Object.fromEntries(settings.map(({ variable, value }) => [variable, value]))).toEqual({
      MAESTRO_RUNTIME: 'kubernetes',
      MAESTRO_MANAGEMENT_API_PORT: '8080',
      MAESTRO_SHUTDOWN_TIMEOUT_MS: '30000',
      MAESTRO_MANAGEMENT_API_INTERNAL_PORT: '8081',
      MAESTRO_ROOMS_API_INTERNAL_PORT: '8081',
      MAESTRO_WORKER_INTERNAL_PORT: '8081',
      MAESTRO_RUNTIME_WATCHER_INTERNAL_PORT: '8081',
      MAESTRO_METRICS_REPORTER_INTERNAL_PORT: '8081',
      MAESTRO_POSTGRES_URL: 'postgres://maestro:maestro@localhost:5432/maestro?sslmode=disable',
      MAESTRO_REDIS_URL: 'redis://localhost:6379/0',
      MAESTRO_KUBERNETES_QPS: '100',
      MAESTRO_KUBERNETES_BURST: '200',
      MAESTRO_KUBERNETES_IN_CLUSTER: 'false',
      MAESTRO_KUBERNETES_KUBECONFIG: './kubeconfig/kubeconfig.yaml',
      MAESTRO_HEALTH_CONTROLLER_INTERVAL_MS: '60000',
      MAESTRO_METRICS_REPORTER_INTERVAL_MS: '10000',
      MAESTRO_RUNTIME_WATCHER_DISRUPTION_INTERVAL_MS: '60000',
      MAESTRO_ROOM_PING_TIMEOUT_MS: '240000',
      MAESTRO_ROOM_INITIALIZATION_TIMEOUT_MS: '120000',
      MAESTRO_ROOM_VALIDATION_TIMEOUT_MS: '120000',
      MAESTRO_ROOM_DELETION_TIMEOUT_MS: '120000',
      MAESTRO_ROOM_ALLOCATION_TTL_MS: '300000',
      MAESTRO_SCHEDULER_CACHE_TTL_MS: '120000',
    });
    expect(notConverted).toContainEqual({
      key: 'adapters.operationFlow.redis.url',
      why: 'no equivalent: operations, their queues and leases live in Temporal (MAESTRO_TEMPORAL_ADDRESS)',
    });
  });

  it('gives every key without equivalent a reason, and converts only to real settings', () => {
    for (const setting of Object.values(MAESTRO_V1_SETTINGS)) {
      if ('why' in setting) expect(setting.why.length).toBeGreaterThan(10);
      else
        for (const name of setting.variables) expect(environmentSchema.shape).toHaveProperty(name);
    }
  });

  it.each([
    ['adapters.schedulerStorage.postgres.url', 'MAESTRO_ADAPTERS_SCHEDULERSTORAGE_POSTGRES_URL'],
    ['api.port', 'MAESTRO_API_PORT'],
    ['workers.healthControllerInterval', 'MAESTRO_WORKERS_HEALTHCONTROLLERINTERVAL'],
  ])('reads key %s from viper variable %s', (key, variable) => {
    expect(maestroV1Variable(key)).toBe(variable);
    expect(keyOfVariable(variable)).toBe(key);
  });

  it.each([
    ['30s', '30000'],
    ['2m', '120000'],
    ['1h30m', '5400000'],
    ['500ms', '500'],
    ['1.5s', '1500'],
    [60_000_000_000, '60000'],
  ])('reads Go duration %p as %s ms', (value, ms) => {
    expect(goDurationMs(value)).toBe(ms);
  });

  it('lets a later entry win, as the environment wins over the file, and reads keys in any case', () => {
    const { settings } = convertMaestroV1Config([
      entry('api.port', 8080),
      entry('API.PORT', '9000', 'MAESTRO_API_PORT'),
    ]);

    expect(settings).toContainEqual({
      variable: 'MAESTRO_MANAGEMENT_API_PORT',
      value: '9000',
      comment: 'api.port',
    });
  });

  it('names unknown keys, values our schema refuses and conflicting Redis URLs', () => {
    const { problems, settings } = convertMaestroV1Config([
      entry('api.prot', 8080),
      entry('api.port', 99999),
      entry('workers.healthControllerInterval', 'soon'),
      entry('adapters.roomStorage.redis.url', 'redis://a:6379/0'),
      entry('adapters.schedulerCache.redis.url', 'redis://b:6379/0'),
    ]);

    expect(problems).toEqual([
      { key: 'api.prot', message: 'not a Maestro v1 setting (config.yaml)' },
      { key: 'api.port', message: 'MAESTRO_MANAGEMENT_API_PORT=99999 must be at most 65535' },
      {
        key: 'workers.healthControllerInterval',
        message: '"soon" is not a Go duration such as 30s, 2m or 1h30m',
      },
      {
        key: 'adapters.schedulerCache.redis.url',
        message:
          'sets MAESTRO_REDIS_URL to redis://b:6379/0 but adapters.roomStorage.redis.url set it to redis://a:6379/0: maestro keeps rooms, instances and the scheduler cache in one Redis: these URLs must agree',
      },
    ]);
    expect(settings.map(({ variable }) => variable)).toEqual([
      'MAESTRO_RUNTIME',
      'MAESTRO_REDIS_URL',
    ]);
  });
});
