import { ConfigError, loadConfig } from '../../src/config/load';
import { listSettings } from '../../src/config/reference';

describe('loadConfig', () => {
  it('returns the documented local-development defaults when no variable is set', () => {
    const config = loadConfig({});

    expect(config.postgres).toEqual({
      url: 'postgres://maestro:maestro@127.0.0.1:5432/maestro',
      poolSize: 10,
    });
    expect(config.redis).toEqual({
      mode: 'standalone',
      url: 'redis://127.0.0.1:6379/0',
      keyPrefix: '',
      commandTimeoutMs: 3_000,
    });
    expect(config.temporal).toEqual({
      address: '127.0.0.1:7233',
      namespace: 'default',
      metadata: {},
      taskQueues: {
        operations: 'maestro-operations',
        runtimeWatcher: 'maestro-runtime-watcher',
        metrics: 'maestro-metrics',
      },
      callTimeoutMs: 5_000,
    });
    expect(config.managementApi).toEqual({ host: '0.0.0.0', port: 8080 });
    expect(config.internalServers.worker).toEqual({ host: '0.0.0.0', port: 8091 });
  });

  it('applies every variable when set', () => {
    const config = loadConfig({
      MAESTRO_TEMPORAL_TASK_QUEUE_PREFIX: 'blue',
      MAESTRO_ROOMS_API_PORT: '9000',
      MAESTRO_BIND_HOST: '127.0.0.1',
      MAESTRO_LOG_LEVEL: 'debug',
      MAESTRO_TEMPORAL_CALL_TIMEOUT_MS: '2500',
    });

    expect(config.temporal.taskQueues.metrics).toBe('blue-metrics');
    expect(config.temporal.callTimeoutMs).toBe(2_500);
    expect(config.roomsApi).toEqual({ host: '127.0.0.1', port: 9000 });
    expect(config.logLevel).toBe('debug');
  });

  it('bounds forwarding per forwarder, 64 calls in flight and 10,000 queued unless set', () => {
    expect(loadConfig({}).rooms.forwarding).toEqual({ maxInFlight: 64, maxQueued: 10_000 });
    const config = loadConfig({
      MAESTRO_FORWARDING_MAX_IN_FLIGHT: '8',
      MAESTRO_FORWARDING_MAX_QUEUED: '500',
    });
    expect(config.rooms.forwarding).toEqual({ maxInFlight: 8, maxQueued: 500 });
    const problems = captureProblems(() =>
      loadConfig({ MAESTRO_FORWARDING_MAX_IN_FLIGHT: '0', MAESTRO_FORWARDING_MAX_QUEUED: 'many' }),
    );
    expect(problems).toEqual([
      { variable: 'MAESTRO_FORWARDING_MAX_IN_FLIGHT', message: 'must be at least 1' },
      { variable: 'MAESTRO_FORWARDING_MAX_QUEUED', message: 'must be an integer' },
    ]);
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ MAESTRO_MANAGEMENT_API_PORT: '' }).managementApi.port).toBe(8080);
  });

  it('ignores variables outside the MAESTRO_ namespace', () => {
    expect(() => loadConfig({ PATH: '/bin', REDIS_URL: 'x' })).not.toThrow();
  });

  it('lists every problem at once, each naming its variable, when several are invalid', () => {
    const attempt = () =>
      loadConfig({
        MAESTRO_POSTGRES_URL: 'mysql://x',
        MAESTRO_POSTGRES_POOL_SIZE: '0',
        MAESTRO_TEMPORAL_ADDRESS: 'no-port',
        MAESTRO_ROOMS_API_PORT: '80.5',
        MAESTRO_REDIS_URL: 'not a url',
        MAESTRO_UNKNOWN_THING: '1',
      });

    expect(attempt).toThrow(ConfigError);
    const problems = captureProblems(attempt);
    expect(problems).toEqual(
      expect.arrayContaining([
        { variable: 'MAESTRO_POSTGRES_URL', message: 'must use postgres:// or postgresql://' },
        { variable: 'MAESTRO_POSTGRES_POOL_SIZE', message: 'must be at least 1' },
        { variable: 'MAESTRO_TEMPORAL_ADDRESS', message: 'must be host:port' },
        { variable: 'MAESTRO_ROOMS_API_PORT', message: 'must be an integer' },
        { variable: 'MAESTRO_REDIS_URL', message: 'must be a URL' },
        { variable: 'MAESTRO_UNKNOWN_THING', message: 'is not a maestro setting' },
      ]),
    );
    expect(problems).toHaveLength(6);
  });
});

describe('loadConfig for the Kubernetes runtime', () => {
  it('requires a kubeconfig when maestro does not run in the cluster', () => {
    const attempt = () => loadConfig({ MAESTRO_RUNTIME: 'kubernetes' });

    expect(captureProblems(attempt)).toEqual([
      {
        variable: 'MAESTRO_KUBERNETES_KUBECONFIG',
        message:
          'is required when MAESTRO_RUNTIME is kubernetes and MAESTRO_KUBERNETES_IN_CLUSTER is not true',
      },
    ]);
  });

  it('passes the client settings through when a kubeconfig is given', () => {
    const config = loadConfig({
      MAESTRO_RUNTIME: 'kubernetes',
      MAESTRO_KUBERNETES_KUBECONFIG: '/etc/maestro/kubeconfig',
      MAESTRO_KUBERNETES_QPS: '50',
    });

    expect(config.runtime).toEqual({
      kind: 'kubernetes',
      kubeconfigPath: '/etc/maestro/kubeconfig',
      inCluster: false,
      qps: 50,
      burst: 1_000,
      resyncIntervalMs: 30_000,
    });
  });
});

describe('loadConfig for Redis', () => {
  it('connects to a cluster through its seed nodes, with credentials and TLS for every node', () => {
    const config = loadConfig({
      MAESTRO_REDIS_MODE: 'cluster',
      MAESTRO_REDIS_NODES: 'redis-0.redis:6379,10.0.0.2:7000',
      MAESTRO_REDIS_USERNAME: 'maestro',
      MAESTRO_REDIS_PASSWORD: 's3cret',
      MAESTRO_REDIS_TLS: 'true',
      MAESTRO_REDIS_KEY_PREFIX: 'blue:',
    });

    expect(config.redis).toEqual({
      mode: 'cluster',
      nodes: [
        { host: 'redis-0.redis', port: 6379 },
        { host: '10.0.0.2', port: 7000 },
      ],
      username: 'maestro',
      password: 's3cret',
      isTls: true,
      keyPrefix: 'blue:',
      commandTimeoutMs: 3_000,
    });
  });

  it('finds the master through the sentinels by its group name', () => {
    const config = loadConfig({
      MAESTRO_REDIS_MODE: 'sentinel',
      MAESTRO_REDIS_NODES: 's1:26379,s2:26379,s3:26379',
      MAESTRO_REDIS_SENTINEL_MASTER: 'maestro',
      MAESTRO_REDIS_SENTINEL_PASSWORD: 'watch',
    });

    expect(config.redis).toMatchObject({
      mode: 'sentinel',
      sentinels: [
        { host: 's1', port: 26379 },
        { host: 's2', port: 26379 },
        { host: 's3', port: 26379 },
      ],
      masterName: 'maestro',
      sentinelPassword: 'watch',
    });
  });

  it('names every broken rule between the Redis variables at once', () => {
    expect(captureProblems(() => loadConfig({ MAESTRO_REDIS_MODE: 'sentinel' }))).toEqual([
      {
        variable: 'MAESTRO_REDIS_NODES',
        message: 'is required when MAESTRO_REDIS_MODE is sentinel (the sentinels, host:port,…)',
      },
      {
        variable: 'MAESTRO_REDIS_SENTINEL_MASTER',
        message:
          'is required when MAESTRO_REDIS_MODE is sentinel (the master group name the sentinels monitor)',
      },
    ]);
  });

  it('refuses settings the cluster mode would ignore or that would break its hash tags', () => {
    const problems = captureProblems(() =>
      loadConfig({
        MAESTRO_REDIS_MODE: 'cluster',
        MAESTRO_REDIS_URL: 'redis://10.0.0.1:6379',
        MAESTRO_REDIS_SENTINEL_MASTER: 'maestro',
        MAESTRO_REDIS_KEY_PREFIX: '{blue}:',
      }),
    );

    expect(problems.map((problem) => problem.variable)).toEqual([
      'MAESTRO_REDIS_NODES',
      'MAESTRO_REDIS_SENTINEL_MASTER',
      'MAESTRO_REDIS_URL',
      'MAESTRO_REDIS_KEY_PREFIX',
    ]);
    expect(problems[3]?.message).toContain('may not contain { or }');
  });

  it('refuses nodes in standalone mode, and a password given twice', () => {
    const problems = captureProblems(() =>
      loadConfig({
        MAESTRO_REDIS_NODES: 'a:1',
        MAESTRO_REDIS_URL: 'redis://:one@127.0.0.1:6379',
        MAESTRO_REDIS_PASSWORD: 'two',
      }),
    );

    expect(problems).toEqual([
      {
        variable: 'MAESTRO_REDIS_NODES',
        message:
          'is only used when MAESTRO_REDIS_MODE is cluster or sentinel (standalone uses MAESTRO_REDIS_URL)',
      },
      {
        variable: 'MAESTRO_REDIS_PASSWORD',
        message: 'is set and MAESTRO_REDIS_URL carries a password too: keep one',
      },
    ]);
  });

  it('rejects a mode it does not know and nodes that are not host:port', () => {
    const problems = captureProblems(() =>
      loadConfig({ MAESTRO_REDIS_MODE: 'replicated', MAESTRO_REDIS_NODES: 'a:1,b' }),
    );

    expect(problems).toEqual([
      { variable: 'MAESTRO_REDIS_MODE', message: 'must be one of standalone, cluster, sentinel' },
      { variable: 'MAESTRO_REDIS_NODES', message: 'must be comma-separated host:port' },
    ]);
  });
});

describe('listSettings', () => {
  it('documents every variable with a description', () => {
    const settings = listSettings();

    expect(settings.length).toBeGreaterThan(10);
    for (const setting of settings) {
      expect(setting.variable).toMatch(/^MAESTRO_[A-Z_]+$/);
      expect(setting.description.length).toBeGreaterThan(10);
    }
  });
});

function captureProblems(attempt: () => unknown) {
  try {
    attempt();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
  }
  throw new Error('expected a ConfigError');
}
