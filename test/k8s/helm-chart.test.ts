import {
  loadAllYaml,
  type KubernetesObject,
  type V1ClusterRole,
  type V1ClusterRoleBinding,
  type V1ConfigMap,
  type V1Deployment,
  type V1Service,
} from '@kubernetes/client-node';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig, MODULE_NAMES } from '../../src/config/load';
import {
  byKind,
  CHART_DIR,
  containerEnvironment,
  containerFiles,
  helm,
  isHook,
  PLAUSIBLE_SECRET_VALUES,
  PRODUCTION_VALUES,
  renderChart,
  serviceLinkEnvironment,
  templateArgs,
  workloads,
  type Workload,
} from '../support/helm-chart';

const scratch = mkdtempSync(path.join(tmpdir(), 'maestro-helm-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const production = { valuesFiles: [PRODUCTION_VALUES] };
const inlineValuesFile = path.join(scratch, 'inline-values.yaml');
const inline = { valuesFiles: [inlineValuesFile] };
/** What existing Secrets mounted as files hold, by file name: a real certificate and its key. */
let plausibleFiles: Record<string, string>;

let rendered: Record<'defaults' | 'production' | 'inline', KubernetesObject[]>;
beforeAll(async () => {
  const pair = selfSignedCertificate();
  plausibleFiles = { 'ca.crt': pair.cert, 'tls.crt': pair.cert, 'tls.key': pair.key };
  writeInlineValues(pair);
  const [defaults, prod, inl] = await Promise.all([
    renderChart(),
    renderChart(production),
    renderChart(inline),
  ]);
  rendered = { defaults, production: prod, inline: inl };
});

/** Inline credentials instead of existing Secrets: the chart's own Secrets and mounted files. */
function writeInlineValues(pair: { cert: string; key: string }) {
  const values = {
    redis: {
      mode: 'sentinel',
      nodes: ['sentinel-0:26379', 'sentinel-1:26379'],
      sentinelMaster: 'mymaster',
      password: 'redis-pw',
      sentinelPassword: 'sentinel-pw',
    },
    temporal: { apiKey: 'an-api-key', tls: { enabled: true, ca: pair.cert, ...pair } },
    roomAuth: { secret: '0123456789abcdef0123456789abcdef', required: true },
  };
  writeFileSync(inlineValuesFile, JSON.stringify(values)); // JSON is YAML
}

function selfSignedCertificate(): { cert: string; key: string } {
  const dir = mkdtempSync(path.join(scratch, 'pki-'));
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      path.join(dir, 'tls.key'),
      '-out',
      path.join(dir, 'tls.crt'),
      '-days',
      '1',
      '-subj',
      '/CN=maestro-helm-test',
    ],
    { stdio: 'ignore' },
  );
  const read = (file: string) => readFileSync(path.join(dir, file), 'utf8');
  return { cert: read('tls.crt'), key: read('tls.key') };
}

/**
 * Every container's environment through maestro's own configuration loader, with the files of
 * its Secret volumes written to a scratch root and the variables that name them pointed there.
 */
function loadEveryConfig(objects: KubernetesObject[], extra: Record<string, string> = {}) {
  return workloads(objects).flatMap((workload) =>
    workload.spec.template.spec.containers.map((container) => {
      const files = containerFiles(objects, workload.spec.template.spec, container, plausibleFiles);
      const root = mkdtempSync(path.join(scratch, 'root-'));
      for (const [file, content] of Object.entries(files)) {
        mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
        writeFileSync(path.join(root, file), content);
      }
      const environment = Object.fromEntries(
        Object.entries(containerEnvironment(objects, container)).map(([name, value]) => [
          name,
          value in files ? path.join(root, value) : value,
        ]),
      );
      return {
        workload: workload.metadata?.name,
        config: loadConfig({ ...extra, ...environment }),
      };
    }),
  );
}

const deployments = (objects: KubernetesObject[]) =>
  byKind<V1Deployment & Workload>(objects, 'Deployment');

describe('helm chart deploy/helm/maestro', () => {
  it('passes helm lint --strict with the default and the production values', async () => {
    const lint = (extra: string[]) =>
      helm(['lint', '--strict', CHART_DIR, '--kube-version', '1.34.4', ...extra]);

    await expect(lint([])).resolves.toContain('0 chart(s) failed');
    await expect(lint(['--values', PRODUCTION_VALUES])).resolves.toContain('0 chart(s) failed');
    await expect(lint(['--values', inlineValuesFile])).resolves.toContain('0 chart(s) failed');
  });

  it.each([
    ['a replica count that is not a number', 'modules.roomsApi.replicas=many', 'replicas'],
    ['an unknown value', 'replicaCount=3', 'replicaCount'],
    [
      'a secret in the ConfigMap',
      'config.MAESTRO_POSTGRES_URL=postgres://x',
      'MAESTRO_POSTGRES_URL',
    ],
    ['a setting without the MAESTRO_ prefix', 'config.LOG_LEVEL=debug', 'LOG_LEVEL'],
    ['Redis Cluster without nodes', 'redis.mode=cluster', 'nodes'],
    ['an unknown Redis mode', 'redis.mode=ring', 'mode'],
    ['a short room token secret', 'roomAuth.secret=short', 'secret'],
  ])('refuses %s before rendering (values.schema.json)', async (_, set, named) => {
    const [key, value] = set.split('=') as [string, string];

    const rendering = helm(templateArgs({ set: { [key]: value } }));

    await expect(rendering).rejects.toThrow(/schema/i);
    await expect(rendering).rejects.toThrow(named);
  });

  it('fails the render when the grace period does not outlast preStop plus the shutdown timeout', async () => {
    const rendering = helm(
      templateArgs({ set: { 'modules.worker.terminationGracePeriodSeconds': '30' } }),
    );

    await expect(rendering).rejects.toThrow(/terminationGracePeriodSeconds \(30\) must exceed/);
  });

  it('runs one Deployment per module with `start <module>` and probes on its internal port', () => {
    const objects = rendered.defaults;
    const configMap = byKind<V1ConfigMap>(objects, 'ConfigMap')[0]?.data ?? {};

    const modules = deployments(objects).map((deployment) => {
      const container = deployment.spec.template.spec.containers[0];
      const internal = container?.ports?.find((p) => p.name === 'internal')?.containerPort;
      return {
        module: deployment.metadata?.labels?.['app.kubernetes.io/component'],
        args: container?.args,
        image: container?.image,
        probes: [container?.startupProbe, container?.livenessProbe, container?.readinessProbe].map(
          (probe) => `${probe?.httpGet?.path} ${String(probe?.httpGet?.port)}`,
        ),
        internalPortIsConfigured: Object.values(configMap).includes(String(internal)),
      };
    });

    expect(modules.map((m) => m.module).sort()).toEqual([...MODULE_NAMES].sort());
    for (const m of modules) {
      expect(m.args).toEqual(['start', m.module]);
      expect(m.image).toBe(`maestro:${chartAppVersion()}`);
      expect(m.probes).toEqual(['/healthz internal', '/healthz internal', '/readyz internal']);
      expect(m.internalPortIsConfigured).toBe(true);
    }
  });

  it('hardens every pod: non-root, read-only root filesystem, no service links, a grace period beyond the shutdown timeout', () => {
    for (const objects of Object.values(rendered)) {
      for (const workload of workloads(objects)) {
        const pod = workload.spec.template.spec;
        const shutdownMs = Number(
          containerEnvironment(objects, pod.containers[0]!)['MAESTRO_SHUTDOWN_TIMEOUT_MS'] ??
            30_000,
        );

        expect(pod.enableServiceLinks).toBe(false);
        expect(pod.securityContext?.runAsNonRoot).toBe(true);
        for (const container of pod.containers) {
          expect(container.securityContext?.readOnlyRootFilesystem).toBe(true);
          expect(container.securityContext?.allowPrivilegeEscalation).toBe(false);
        }
        if (workload.kind === 'Deployment')
          expect((pod.terminationGracePeriodSeconds ?? 0) * 1000).toBeGreaterThan(shutdownMs);
      }
    }
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
    },
    inline: {
      redis: { mode: 'sentinel', password: 'redis-pw', sentinelPassword: 'sentinel-pw' },
      temporal: { apiKey: 'an-api-key', tls: { serverCa: present } },
      rooms: { auth: { secret: '0123456789abcdef0123456789abcdef', isRequired: true } },
    },
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
      }
    },
  );

  it('fails the configuration check when a template renders a variable maestro does not know', async () => {
    const objects = await renderChart({ set: { 'config.MAESTRO_NOT_A_SETTING': 'x' } });

    const check = () => loadEveryConfig(objects);

    expect(check).toThrow(ConfigError);
    expect(check).toThrow(/MAESTRO_NOT_A_SETTING: is not a maestro setting/);
  });

  it('keeps the configuration valid with the variables service links would inject for its Services', () => {
    const services = byKind<V1Service>(rendered.defaults, 'Service');
    const injected = serviceLinkEnvironment(services);

    expect(Object.keys(injected)).toContain('MAESTRO_ROOMS_API_SERVICE_HOST');
    expect(() => loadEveryConfig(rendered.defaults, injected)).not.toThrow();
  });

  it('runs the migration as a pre-install/pre-upgrade hook that reads only what exists before the release', () => {
    for (const objects of Object.values(rendered)) {
      const hooks = objects.filter(isHook);
      const job = byKind<Workload>(objects, 'Job')[0];
      const weight = (o: KubernetesObject | undefined) =>
        Number(o?.metadata?.annotations?.['helm.sh/hook-weight'] ?? 0);
      const pod = job?.spec.template.spec;
      const references = [
        ...(pod?.containers ?? []).flatMap((c) => [
          ...(c.env ?? []).flatMap((e) => [
            e.valueFrom?.secretKeyRef?.name,
            e.valueFrom?.configMapKeyRef?.name,
          ]),
          ...(c.envFrom ?? []).flatMap((e) => [e.secretRef?.name, e.configMapRef?.name]),
        ]),
        ...(pod?.volumes ?? []).flatMap((v) => [v.secret?.secretName, v.configMap?.name]),
      ].filter((name): name is string => name !== undefined);

      expect(job?.metadata?.annotations).toMatchObject({
        'helm.sh/hook': 'pre-install,pre-upgrade',
        'helm.sh/hook-delete-policy': 'before-hook-creation,hook-succeeded',
      });
      expect(job?.spec.template.spec.containers[0]?.args).toEqual(['migrate']);
      expect(pod?.serviceAccountName ?? 'default').toBe('default');
      for (const name of references) {
        const target = objects.find((o) => o.metadata?.name === name);
        // Either an existing Secret (not rendered) or a hook created before the Job.
        if (target) expect(hooks).toContain(target);
        if (target) expect(weight(target)).toBeLessThan(weight(job));
      }
    }
  });

  it('grants the ServiceAccount exactly the ClusterRole rules of docs/runtimes.md', () => {
    const [role] = byKind<V1ClusterRole>(rendered.defaults, 'ClusterRole');
    const [binding] = byKind<V1ClusterRoleBinding>(rendered.defaults, 'ClusterRoleBinding');
    const documented = loadAllYaml(documentedRbac()) as KubernetesObject[];
    const documentedRole = documented.find((o) => o.kind === 'ClusterRole') as V1ClusterRole;

    expect(role?.rules).toEqual(documentedRole.rules);
    expect(binding?.roleRef.name).toBe(role?.metadata?.name);
    expect(binding?.subjects).toEqual([
      { kind: 'ServiceAccount', name: 'maestro', namespace: 'maestro' },
    ]);
  });

  it('rolls the pods when the configuration or the chart Secret changes', async () => {
    const annotations = (objects: KubernetesObject[]) =>
      deployments(objects).map((d) => d.spec.template.metadata?.annotations ?? {});
    const before = annotations(rendered.defaults);

    const [config, secret] = await Promise.all([
      renderChart({ set: { 'config.MAESTRO_LOG_LEVEL': 'debug' } }),
      renderChart({ set: { 'redis.password': 'rotated' } }),
    ]);

    for (const [i, after] of annotations(config).entries())
      expect(after['checksum/config']).not.toBe(before[i]?.['checksum/config']);
    for (const [i, after] of annotations(secret).entries())
      expect(after['checksum/secret']).not.toBe(before[i]?.['checksum/secret']);
  });
});

/** The RBAC block of docs/runtimes.md, as users copy it. */
function documentedRbac(): string {
  const doc = readFileSync(path.resolve(__dirname, '../../docs/runtimes.md'), 'utf8');
  const block = /```yaml\n([^`]*kind: ClusterRole\n[^`]*)```/.exec(doc)?.[1];
  if (!block) throw new Error('docs/runtimes.md has no yaml block with the ClusterRole');
  return block;
}

function chartAppVersion(): string {
  const chart = readFileSync(path.join(CHART_DIR, 'Chart.yaml'), 'utf8');
  return /^appVersion:\s*'?([^'\n]+)'?$/m.exec(chart)?.[1] ?? '';
}
