import type { KubernetesObject, V1Service } from '@kubernetes/client-node';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError, MODULE_NAMES } from '../../src/config/load';
import {
  byKind,
  CHART_DIR,
  helm,
  KUBE_VERSION,
  PRODUCTION_VALUES,
  renderChart,
} from '../support/helm-chart';
import {
  INLINE_PAYLOAD_KEYS,
  inlineValues,
  loadContainerConfigs,
  PLAUSIBLE_SECRET_VALUES,
  selfSignedCertificate,
  serviceLinkEnvironment,
} from '../support/helm-chart-environment';

const scratch = mkdtempSync(path.join(tmpdir(), 'maestro-helm-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const inlineValuesFile = path.join(scratch, 'inline-values.yaml');
/** What existing Secrets mounted as files hold, by file name: a real certificate and its key. */
let plausibleFiles: Record<string, string>;

let rendered: Record<'defaults' | 'production' | 'inline', KubernetesObject[]>;
beforeAll(async () => {
  const pair = selfSignedCertificate(scratch);
  plausibleFiles = { 'ca.crt': pair.cert, 'tls.crt': pair.cert, 'tls.key': pair.key };
  writeFileSync(inlineValuesFile, JSON.stringify(inlineValues(pair))); // JSON is YAML
  const [defaults, production, inline] = await Promise.all([
    renderChart(),
    renderChart({ valuesFiles: [PRODUCTION_VALUES] }),
    renderChart({ valuesFiles: [inlineValuesFile] }),
  ]);
  rendered = { defaults, production, inline };
});

/** What the existing Secrets mounted whole (production-values.yaml's payload keys) hold. */
const plausibleSecrets = {
  'maestro-payload-keys': { '2026-12': Buffer.alloc(32, 7).toString('base64') },
};
const loadEveryConfig = (objects: KubernetesObject[], extra: Record<string, string> = {}) =>
  loadContainerConfigs(objects, { scratch, plausibleFiles, plausibleSecrets, extra });
const API_MODULES = ['maestro-management-api', 'maestro-rooms-api'];

describe('the configuration the helm chart gives maestro', () => {
  it('passes helm lint --strict with inline credentials', async () => {
    await expect(
      helm([
        'lint',
        '--strict',
        CHART_DIR,
        '--kube-version',
        KUBE_VERSION,
        '--values',
        inlineValuesFile,
      ]),
    ).resolves.toContain('0 chart(s) failed');
  });

  const present: unknown = expect.anything();
  /** What each set of values must configure in every module, beyond the Kubernetes runtime. */
  const expectedConfig = {
    defaults: {
      postgres: { url: 'postgres://maestro:maestro@postgresql:5432/maestro' },
      redis: { url: 'redis://redis-master:6379/0' },
      temporal: { address: 'temporal-frontend:7233', namespace: 'default' },
    },
    production: {
      postgres: { url: PLAUSIBLE_SECRET_VALUES['MAESTRO_POSTGRES_URL'], poolSize: 20 },
      redis: { mode: 'cluster', username: 'maestro', password: 'redis-s3cret', isTls: true },
      temporal: {
        apiKey: PLAUSIBLE_SECRET_VALUES['MAESTRO_TEMPORAL_API_KEY'],
        tls: {
          serverName: 'maestro.a1b2c.tmprl.cloud',
          serverCa: present,
          clientCert: { cert: present, key: present },
        },
      },
      rooms: { auth: { isRequired: true } },
      access: {
        isRequired: true,
        isMatchmakerRequired: true,
        apiKeys: { pepper: PLAUSIBLE_SECRET_VALUES['MAESTRO_API_KEY_PEPPER'], cacheTtlMs: 30_000 },
        oidc: {
          issuer: 'https://id.example.com/realms/games',
          audience: 'maestro',
          rolesClaim: 'realm_access.roles',
        },
      },
      rateLimits: {
        mutations: { perMinute: 120, burst: 20 },
        allocations: { perMinute: 6000, burst: 500 },
      },
    },
    inline: {
      redis: { mode: 'sentinel', password: 'redis-pw', sentinelPassword: 'sentinel-pw' },
      temporal: { apiKey: 'an-api-key', tls: { serverCa: present } },
      rooms: { auth: { secret: '0123456789abcdef0123456789abcdef', isRequired: true } },
      access: { isRequired: false, apiKeys: { pepper: 'an-inline-api-key-pepper-0123456789' } },
    },
  };
  /** The payload keys' ids and the one that encrypts, as every module reads them. */
  const expectedPayloadKeys = {
    defaults: undefined,
    production: { ids: ['2026-12'], activeKeyId: '2026-12' },
    inline: { ids: Object.keys(INLINE_PAYLOAD_KEYS).sort(), activeKeyId: '2027-03' },
  };

  it.each(['defaults', 'production', 'inline'] as const)(
    'gives every module and the migration Job a configuration maestro accepts (%s values)',
    (values) => {
      const configs = loadEveryConfig(rendered[values]);
      const modules = configs.filter((c) => c.workload !== 'maestro-migrate');

      expect(configs).toHaveLength(MODULE_NAMES.length + 1);
      for (const { config } of modules) {
        expect(config).toMatchObject(expectedConfig[values]);
        expect(config.runtime).toMatchObject({ kind: 'kubernetes', inCluster: true });
        const encryption = config.temporal.payloadEncryption;
        expect(
          encryption && {
            ids: encryption.keys.map((k) => k.id).sort(),
            activeKeyId: encryption.activeKeyId,
          },
        ).toEqual(expectedPayloadKeys[values]);
      }
    },
  );

  it('serves TLS on the two APIs only, from the mounted Secret, leaving the other modules without it (production values)', () => {
    const configs = loadEveryConfig(rendered.production).filter(
      (c) => c.workload !== 'maestro-migrate',
    );

    const tls = configs.map(({ workload, config }) => ({ workload, apiTls: config.apiTls }));

    for (const { workload, apiTls } of tls) {
      if (API_MODULES.includes(workload ?? ''))
        expect(apiTls).toEqual({
          certFile: expect.stringMatching(/\/etc\/maestro\/api-tls\/tls\.crt$/) as unknown,
          keyFile: expect.stringMatching(/\/etc\/maestro\/api-tls\/tls\.key$/) as unknown,
          reloadIntervalMs: 10_000,
        });
      else expect(apiTls).toBeUndefined();
    }
    expect(tls.map((c) => c.workload)).toEqual(expect.arrayContaining(API_MODULES));
  });

  it('adds the client CA for mTLS to both APIs when apiTls.mutual is set', async () => {
    const objects = await renderChart({
      set: { 'apiTls.existingSecret': 'api-tls', 'apiTls.mutual': 'true' },
    });

    const apis = loadEveryConfig(objects).filter((c) => API_MODULES.includes(c.workload ?? ''));

    expect(apis).toHaveLength(2);
    for (const { config } of apis)
      expect(config.apiTls?.clientCaFile).toMatch(/\/etc\/maestro\/api-tls\/ca\.crt$/);
  });

  it('fails the configuration check when a template renders a variable maestro does not know', async () => {
    const objects = await renderChart({ set: { 'config.MAESTRO_NOT_A_SETTING': 'x' } });

    const check = () => loadEveryConfig(objects);

    expect(check).toThrow(ConfigError);
    expect(check).toThrow(/MAESTRO_NOT_A_SETTING: is not a maestro setting/);
  });

  it("computes the service-link variables as the kubelet does (kubelet's own output in test/fixtures)", () => {
    const fixture = JSON.parse(
      readFileSync(path.resolve(__dirname, '../fixtures/kubernetes-service-links.json'), 'utf8'),
    ) as Record<string, Record<string, string>>;
    // The Services test/k8s/cluster/service-links/main.go gave kubelet's envvars.FromServices.
    const service = (name: string, clusterIP: string, ...ports: [string, number, string][]) => ({
      metadata: { name },
      spec: { clusterIP, ports: ports.map(([n, port, protocol]) => ({ name: n, port, protocol })) },
    });
    const services = [
      service(
        'maestro-rooms-api',
        '10.96.12.34',
        ['http', 8070, 'TCP'],
        ['grpc', 9070, 'TCP'],
        ['internal', 8071, 'TCP'],
      ),
      service(
        'maestro-management-api',
        '10.96.0.10',
        ['http', 8080, 'TCP'],
        ['grpc-api', 9090, 'TCP'],
      ),
      service('maestro-worker-metrics', 'fd00:10:96::a', ['metrics', 8091, 'TCP']),
      service('maestro-rooms-api-grpc', '10.96.7.7', ['', 9070, 'TCP']),
      service('maestro', '10.96.1.1', ['game', 7777, 'UDP'], ['signal', 9999, 'SCTP']),
    ];

    for (const s of services) expect(serviceLinkEnvironment([s])).toEqual(fixture[s.metadata.name]);
  });

  it('keeps the configuration valid with the variables service links would inject for its Services', () => {
    const services = byKind<V1Service>(rendered.defaults, 'Service');
    const injected = serviceLinkEnvironment(services);

    expect(Object.keys(injected)).toContain('MAESTRO_ROOMS_API_SERVICE_HOST');
    expect(() => loadEveryConfig(rendered.defaults, injected)).not.toThrow();
  });
});
