import {
  loadAllYaml,
  type KubernetesObject,
  type V1ClusterRole,
  type V1ClusterRoleBinding,
  type V1ConfigMap,
  type V1Deployment,
} from '@kubernetes/client-node';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { MODULE_NAMES } from '../../src/config/load';
import {
  byKind,
  CHART_DIR,
  helm,
  isHook,
  KUBE_VERSION,
  PRODUCTION_VALUES,
  renderChart,
  workloads,
  type Workload,
} from '../support/helm-chart';
import { containerEnvironment } from '../support/helm-chart-environment';

let rendered: Record<'defaults' | 'production', KubernetesObject[]>;
beforeAll(async () => {
  const [defaults, production] = await Promise.all([
    renderChart(),
    renderChart({ valuesFiles: [PRODUCTION_VALUES] }),
  ]);
  rendered = { defaults, production };
});

const deployments = (objects: KubernetesObject[]) =>
  byKind<V1Deployment & Workload>(objects, 'Deployment');

describe('helm chart deploy/helm/maestro', () => {
  it('passes helm lint --strict with the default and the production values', async () => {
    const lint = (extra: string[]) =>
      helm(['lint', '--strict', CHART_DIR, '--kube-version', KUBE_VERSION, ...extra]);

    await expect(lint([])).resolves.toContain('0 chart(s) failed');
    await expect(lint(['--values', PRODUCTION_VALUES])).resolves.toContain('0 chart(s) failed');
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
        mountsToken: deployment.spec.template.spec.automountServiceAccountToken,
      };
    });

    expect(modules.map((m) => m.module).sort()).toEqual([...MODULE_NAMES].sort());
    for (const m of modules) {
      expect(m.args).toEqual(['start', m.module]);
      expect(m.image).toBe(`maestro:${chartAppVersion()}`);
      expect(m.probes).toEqual(['/healthz internal', '/healthz internal', '/readyz internal']);
      expect(m.internalPortIsConfigured).toBe(true);
    }
    // The runtime's cluster-wide token only where the Kubernetes API is called (src/main/modules).
    expect(Object.fromEntries(modules.map((m) => [m.module, m.mountsToken]))).toEqual({
      'management-api': false,
      'rooms-api': true,
      worker: true,
      'runtime-watcher': true,
      'metrics-reporter': false,
    });
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
        expect(pod.securityContext?.runAsUser).toBe(1000); // USER node is not numeric
        for (const container of pod.containers) {
          expect(container.command).toBeUndefined(); // the image's ENTRYPOINT runs the args
          expect(container.securityContext?.readOnlyRootFilesystem).toBe(true);
          expect(container.securityContext?.allowPrivilegeEscalation).toBe(false);
        }
        if (workload.kind === 'Deployment')
          expect((pod.terminationGracePeriodSeconds ?? 0) * 1000).toBeGreaterThan(shutdownMs);
      }
    }
  });

  it('relies on the image the Dockerfile builds: its ENTRYPOINT and its `node` user (uid 1000 in node images)', () => {
    const dockerfile = readFileSync(path.resolve(__dirname, '../../Dockerfile'), 'utf8');
    const finalStage = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));

    expect(finalStage).toMatch(/^FROM node:\S+$/m);
    expect(finalStage).toMatch(/^ENTRYPOINT \["node", "bin\/maestro.js"\]$/m);
    expect(finalStage).toMatch(/^USER node$/m);
  });

  it("defaults the image tag to the chart's appVersion, which is maestro's package version", () => {
    const pkg = JSON.parse(readFileSync(path.resolve(__dirname, '../../package.json'), 'utf8')) as {
      version: string;
    };

    expect(chartAppVersion()).toBe(pkg.version);
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

  it('runs only the PostgreSQL migrations when the search attributes are not to be registered', async () => {
    const objects = await renderChart({ set: { 'migration.registerSearchAttributes': 'false' } });

    const [job] = byKind<Workload>(objects, 'Job');

    expect(job?.spec.template.spec.containers[0]?.args).toEqual(['migrate', 'postgres']);
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
