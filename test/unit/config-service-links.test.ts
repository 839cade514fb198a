import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../src/config/load';
import { ignoredServiceLinkVariables } from '../../src/config/service-links';

/**
 * What kubelet (k8s.io/kubernetes v1.34 pkg/kubelet/envvars.FromServices) injects into every
 * container of the namespace for these Services, written out name by name. The first test holds
 * it to kubelet's own output for the same Services (test/k8s/cluster/service-links).
 */
const SERVICE_LINKS: Record<string, Record<string, string>> = {
  // ports http 8070, grpc 9070, internal 8071 (TCP), cluster IP 10.96.12.34
  'maestro-rooms-api': {
    MAESTRO_ROOMS_API_SERVICE_HOST: '10.96.12.34',
    MAESTRO_ROOMS_API_SERVICE_PORT: '8070',
    MAESTRO_ROOMS_API_SERVICE_PORT_HTTP: '8070',
    MAESTRO_ROOMS_API_SERVICE_PORT_GRPC: '9070',
    MAESTRO_ROOMS_API_SERVICE_PORT_INTERNAL: '8071',
    MAESTRO_ROOMS_API_PORT: 'tcp://10.96.12.34:8070',
    MAESTRO_ROOMS_API_PORT_8070_TCP: 'tcp://10.96.12.34:8070',
    MAESTRO_ROOMS_API_PORT_8070_TCP_PROTO: 'tcp',
    MAESTRO_ROOMS_API_PORT_8070_TCP_PORT: '8070',
    MAESTRO_ROOMS_API_PORT_8070_TCP_ADDR: '10.96.12.34',
    MAESTRO_ROOMS_API_PORT_9070_TCP: 'tcp://10.96.12.34:9070',
    MAESTRO_ROOMS_API_PORT_9070_TCP_PROTO: 'tcp',
    MAESTRO_ROOMS_API_PORT_9070_TCP_PORT: '9070',
    MAESTRO_ROOMS_API_PORT_9070_TCP_ADDR: '10.96.12.34',
    MAESTRO_ROOMS_API_PORT_8071_TCP: 'tcp://10.96.12.34:8071',
    MAESTRO_ROOMS_API_PORT_8071_TCP_PROTO: 'tcp',
    MAESTRO_ROOMS_API_PORT_8071_TCP_PORT: '8071',
    MAESTRO_ROOMS_API_PORT_8071_TCP_ADDR: '10.96.12.34',
  },
  // ports http 8080, grpc-api 9090 (TCP), cluster IP 10.96.0.10
  'maestro-management-api': {
    MAESTRO_MANAGEMENT_API_SERVICE_HOST: '10.96.0.10',
    MAESTRO_MANAGEMENT_API_SERVICE_PORT: '8080',
    MAESTRO_MANAGEMENT_API_SERVICE_PORT_HTTP: '8080',
    MAESTRO_MANAGEMENT_API_SERVICE_PORT_GRPC_API: '9090',
    MAESTRO_MANAGEMENT_API_PORT: 'tcp://10.96.0.10:8080',
    MAESTRO_MANAGEMENT_API_PORT_8080_TCP: 'tcp://10.96.0.10:8080',
    MAESTRO_MANAGEMENT_API_PORT_8080_TCP_PROTO: 'tcp',
    MAESTRO_MANAGEMENT_API_PORT_8080_TCP_PORT: '8080',
    MAESTRO_MANAGEMENT_API_PORT_8080_TCP_ADDR: '10.96.0.10',
    MAESTRO_MANAGEMENT_API_PORT_9090_TCP: 'tcp://10.96.0.10:9090',
    MAESTRO_MANAGEMENT_API_PORT_9090_TCP_PROTO: 'tcp',
    MAESTRO_MANAGEMENT_API_PORT_9090_TCP_PORT: '9090',
    MAESTRO_MANAGEMENT_API_PORT_9090_TCP_ADDR: '10.96.0.10',
  },
  // port metrics 8091 (TCP) on an IPv6 cluster IP
  'maestro-worker-metrics': {
    MAESTRO_WORKER_METRICS_SERVICE_HOST: 'fd00:10:96::a',
    MAESTRO_WORKER_METRICS_SERVICE_PORT: '8091',
    MAESTRO_WORKER_METRICS_SERVICE_PORT_METRICS: '8091',
    MAESTRO_WORKER_METRICS_PORT: 'tcp://[fd00:10:96::a]:8091',
    MAESTRO_WORKER_METRICS_PORT_8091_TCP: 'tcp://[fd00:10:96::a]:8091',
    MAESTRO_WORKER_METRICS_PORT_8091_TCP_PROTO: 'tcp',
    MAESTRO_WORKER_METRICS_PORT_8091_TCP_PORT: '8091',
    MAESTRO_WORKER_METRICS_PORT_8091_TCP_ADDR: 'fd00:10:96::a',
  },
  // one unnamed port 9070: the name of a real setting, MAESTRO_ROOMS_API_GRPC_PORT, as a link
  'maestro-rooms-api-grpc': {
    MAESTRO_ROOMS_API_GRPC_SERVICE_HOST: '10.96.7.7',
    MAESTRO_ROOMS_API_GRPC_SERVICE_PORT: '9070',
    MAESTRO_ROOMS_API_GRPC_PORT: 'tcp://10.96.7.7:9070',
    MAESTRO_ROOMS_API_GRPC_PORT_9070_TCP: 'tcp://10.96.7.7:9070',
    MAESTRO_ROOMS_API_GRPC_PORT_9070_TCP_PROTO: 'tcp',
    MAESTRO_ROOMS_API_GRPC_PORT_9070_TCP_PORT: '9070',
    MAESTRO_ROOMS_API_GRPC_PORT_9070_TCP_ADDR: '10.96.7.7',
  },
  // a Service named plain `maestro`, with a UDP and an SCTP port
  maestro: {
    MAESTRO_SERVICE_HOST: '10.96.1.1',
    MAESTRO_SERVICE_PORT: '7777',
    MAESTRO_SERVICE_PORT_GAME: '7777',
    MAESTRO_SERVICE_PORT_SIGNAL: '9999',
    MAESTRO_PORT: 'udp://10.96.1.1:7777',
    MAESTRO_PORT_7777_UDP: 'udp://10.96.1.1:7777',
    MAESTRO_PORT_7777_UDP_PROTO: 'udp',
    MAESTRO_PORT_7777_UDP_PORT: '7777',
    MAESTRO_PORT_7777_UDP_ADDR: '10.96.1.1',
    MAESTRO_PORT_9999_SCTP: 'sctp://10.96.1.1:9999',
    MAESTRO_PORT_9999_SCTP_PROTO: 'sctp',
    MAESTRO_PORT_9999_SCTP_PORT: '9999',
    MAESTRO_PORT_9999_SCTP_ADDR: '10.96.1.1',
  },
};

describe('loadConfig with Kubernetes service-link variables', () => {
  it("lists exactly what kubelet's own code injects for these Services", () => {
    const fixture = path.resolve(__dirname, '../fixtures/kubernetes-service-links.json');

    expect(SERVICE_LINKS).toEqual(JSON.parse(readFileSync(fixture, 'utf8')));
  });

  it.each(Object.entries(SERVICE_LINKS))(
    'ignores and reports every variable of Service %s, keeping the defaults',
    (_service, links) => {
      const config = loadConfig(links);

      expect(config).toEqual(loadConfig({}));
      expect(ignoredServiceLinkVariables(links)).toEqual(Object.keys(links).sort());
    },
  );

  it('keeps real settings beside the links of every Service at once', () => {
    const env = {
      ...Object.assign({}, ...Object.values(SERVICE_LINKS)),
      MAESTRO_MANAGEMENT_API_PORT: '9000',
      MAESTRO_LOG_LEVEL: 'debug',
      PATH: '/bin',
    } as Record<string, string>;

    const config = loadConfig(env);

    expect(config.managementApi.port).toBe(9000);
    expect(config.roomsApi.port).toBe(8070);
    expect(config.logLevel).toBe('debug');
    expect(ignoredServiceLinkVariables(env)).not.toContain('MAESTRO_MANAGEMENT_API_PORT');
    expect(ignoredServiceLinkVariables(env)).not.toContain('MAESTRO_LOG_LEVEL');
  });

  it('reports nothing when no link variable is set', () => {
    expect(ignoredServiceLinkVariables({ MAESTRO_ROOMS_API_PORT: '8070', PATH: '/bin' })).toEqual(
      [],
    );
  });
});

describe('loadConfig with variables that only resemble service links', () => {
  it.each([
    ['a typo of a setting', 'MAESTRO_ROOMS_API_PROT', '8070', 'is not a maestro setting'],
    ['a setting given a word', 'MAESTRO_ROOMS_API_PORT', 'abc', 'must be an integer'],
    [
      'a setting given an http URL',
      'MAESTRO_ROOMS_API_PORT',
      'http://10.0.0.1:8070',
      'must be an integer',
    ],
    [
      'a link URL with a hostname',
      'MAESTRO_ROOMS_API_PORT',
      'tcp://rooms:8070',
      'must be an integer',
    ],
    [
      'a link URL past port 65535',
      'MAESTRO_ROOMS_API_PORT',
      'tcp://10.0.0.1:70000',
      'must be an integer',
    ],
    [
      'a link URL for a non-port setting',
      'MAESTRO_POSTGRES_URL',
      'tcp://10.0.0.1:5432',
      'must use postgres:// or postgresql://',
    ],
    [
      'a link URL whose port differs from its name',
      'MAESTRO_X_PORT_8070_TCP',
      'tcp://10.0.0.1:9999',
      'is not a maestro setting',
    ],
    [
      'a link URL whose protocol differs from its name',
      'MAESTRO_X_PORT_8070_TCP',
      'udp://10.0.0.1:8070',
      'is not a maestro setting',
    ],
    [
      'a protocol variable with the wrong protocol',
      'MAESTRO_X_PORT_8070_TCP_PROTO',
      'udp',
      'is not a maestro setting',
    ],
    [
      'a port variable with another port',
      'MAESTRO_X_PORT_8070_TCP_PORT',
      '8071',
      'is not a maestro setting',
    ],
    [
      'an address variable that is no IP',
      'MAESTRO_X_PORT_8070_TCP_ADDR',
      'rooms',
      'is not a maestro setting',
    ],
    [
      'a service host that is no IP',
      'MAESTRO_X_SERVICE_HOST',
      'rooms.local',
      'is not a maestro setting',
    ],
    [
      'a service port that is no number',
      'MAESTRO_X_SERVICE_PORT',
      'http',
      'is not a maestro setting',
    ],
    [
      'an unknown protocol',
      'MAESTRO_X_PORT_8070_HTTP',
      'http://10.0.0.1:8070',
      'is not a maestro setting',
    ],
  ])('is rejected: %s (%s=%s)', (_case, variable, value, message) => {
    const env = { [variable]: value };

    expect(problemsOf(env)).toEqual([{ variable, message }]);
    expect(ignoredServiceLinkVariables(env)).toEqual([]);
  });
});

function problemsOf(env: Record<string, string>) {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
  }
  throw new Error('expected a ConfigError');
}
