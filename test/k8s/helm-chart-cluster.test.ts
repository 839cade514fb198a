import {
  AppsV1Api,
  AuthorizationV1Api,
  BatchV1Api,
  CoreV1Api,
  KubeConfig,
  KubernetesObjectApi,
  type KubernetesObject,
  type V1Deployment,
} from '@kubernetes/client-node';
import { kubernetesInfra, uniqueSuffix } from '../support/infra';
import { eventually } from '../support/runtime-contract';
import { CHART_DIR, helm, isHook, PRODUCTION_VALUES, renderChart } from '../support/helm-chart';

const { kubeconfig } = kubernetesInfra();
const kubeConfig = new KubeConfig();
kubeConfig.loadFromFile(kubeconfig);
const objects = KubernetesObjectApi.makeApiClient(kubeConfig);
const core = kubeConfig.makeApiClient(CoreV1Api);
const apps = kubeConfig.makeApiClient(AppsV1Api);
const batch = kubeConfig.makeApiClient(BatchV1Api);
const authorization = kubeConfig.makeApiClient(AuthorizationV1Api);

/** Helm's install order (pkg/release/v1/util/kind_sorter.go), for the kinds the chart renders. */
const INSTALL_ORDER = [
  'ServiceAccount',
  'Secret',
  'ConfigMap',
  'ClusterRole',
  'ClusterRoleBinding',
  'Service',
  'Deployment',
  'Job',
  'HorizontalPodAutoscaler',
  'PodDisruptionBudget',
];
const CLUSTER_SCOPED = new Set(['ClusterRole', 'ClusterRoleBinding']);

const namespaces: string[] = [];
const clusterObjects: KubernetesObject[] = [];
afterAll(async () => {
  for (const object of clusterObjects) await objects.delete(object).catch(() => undefined);
  for (const name of namespaces) await core.deleteNamespace({ name }).catch(() => undefined);
});

async function createNamespace(): Promise<string> {
  const name = `helm-${uniqueSuffix()}`;
  await core.createNamespace({ body: { metadata: { name } } });
  namespaces.push(name);
  return name;
}

/** The rendered objects in Helm's order (hooks first, by weight), placed in `namespace`. */
function installable(rendered: KubernetesObject[], namespace: string): KubernetesObject[] {
  const weight = (o: KubernetesObject) =>
    Number(o.metadata?.annotations?.['helm.sh/hook-weight'] ?? 0);
  const rank = (o: KubernetesObject) => {
    const kind = INSTALL_ORDER.indexOf(o.kind ?? '');
    if (kind < 0) throw new Error(`the test does not know where Helm installs a ${o.kind}`);
    return (isHook(o) ? 0 : 1_000_000) + (isHook(o) ? weight(o) * 100 : 0) + kind;
  };
  return [...rendered]
    .sort((a, b) => rank(a) - rank(b))
    .map((o) =>
      CLUSTER_SCOPED.has(o.kind ?? '') ? o : { ...o, metadata: { ...o.metadata, namespace } },
    );
}

/** The pods of a Deployment, once as many as it wants are bound to fake nodes and running. */
async function runningPods(namespace: string, deployment: V1Deployment, replicas: number) {
  const selector = Object.entries(deployment.spec?.selector.matchLabels ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  let pods: Awaited<ReturnType<typeof core.listNamespacedPod>>['items'] = [];
  await eventually(async () => {
    pods = (await core.listNamespacedPod({ namespace, labelSelector: selector })).items;
    expect(pods.filter((p) => p.status?.phase === 'Running')).toHaveLength(replicas);
  }, 60_000);
  return pods;
}

async function canI(namespace: string, verb: string, resource: string, group = '') {
  const review = await authorization.createSubjectAccessReview({
    body: {
      spec: {
        user: `system:serviceaccount:${namespace}:maestro`,
        groups: ['system:serviceaccounts', `system:serviceaccounts:${namespace}`],
        resourceAttributes: { verb, resource, group, namespace: 'some-scheduler' },
      },
    },
  });
  return review.status?.allowed === true;
}

describe('helm chart on a real API server', () => {
  it('passes a server-side dry run with the default and the production values', async () => {
    const namespace = await createNamespace();
    for (const options of [{}, { valuesFiles: [PRODUCTION_VALUES] }]) {
      const rendered = installable(await renderChart({ ...options, namespace }), namespace);
      for (const object of rendered) await objects.create(object, undefined, 'All');
    }
    expect(await core.listNamespacedSecret({ namespace })).toMatchObject({ items: [] });
  });

  it('creates every object, runs the migration Job first and gets every module pods on the fake nodes', async () => {
    const namespace = await createNamespace();
    const rendered = installable(await renderChart({ namespace }), namespace);
    clusterObjects.push(...rendered.filter((o) => CLUSTER_SCOPED.has(o.kind ?? '')));

    for (const hook of rendered.filter(isHook)) await objects.create(hook);
    await eventually(async () => {
      const job = await batch.readNamespacedJob({ name: 'maestro-migrate', namespace });
      expect(job.status?.succeeded).toBe(1);
    }, 60_000);
    for (const object of rendered.filter((o) => !isHook(o))) await objects.create(object);

    const deployments = (await apps.listNamespacedDeployment({ namespace })).items;
    expect(deployments).toHaveLength(5);
    for (const deployment of deployments) {
      const pods = await runningPods(namespace, deployment, deployment.spec?.replicas ?? 1);
      for (const pod of pods) expect(pod.spec?.nodeName).toMatch(/^kwok-node-\d+$/);
      for (const pod of pods) expect(pod.spec?.serviceAccountName).toBe('maestro');
    }
    expect(await canI(namespace, 'create', 'namespaces')).toBe(true);
    expect(await canI(namespace, 'create', 'pods')).toBe(true);
    expect(await canI(namespace, 'patch', 'poddisruptionbudgets', 'policy')).toBe(true);
    expect(await canI(namespace, 'delete', 'nodes')).toBe(false);
  });

  it('installs, upgrades and uninstalls with helm itself, running the migration hook each time (production values)', async () => {
    const namespace = await createNamespace();
    await createExistingSecrets(namespace);
    const release = ['maestro', CHART_DIR, '--namespace', namespace, '--kubeconfig', kubeconfig];
    const migrations = async () =>
      (await core.listNamespacedEvent({ namespace })).items.filter(
        (e) => e.involvedObject.kind === 'Job' && e.reason === 'Completed',
      ).length;

    await helm(['install', ...release, '--values', PRODUCTION_VALUES, '--wait', '--timeout', '3m']);
    const installed = await apps.readNamespacedDeployment({ name: 'maestro-worker', namespace });
    await helm([
      'upgrade',
      ...release,
      '--values',
      PRODUCTION_VALUES,
      '--set',
      'config.MAESTRO_LOG_LEVEL=debug',
      '--wait',
      '--timeout',
      '3m',
    ]);
    const upgraded = await apps.readNamespacedDeployment({ name: 'maestro-worker', namespace });
    const migrationsRun = await migrations();
    await helm(['uninstall', 'maestro', '--namespace', namespace, '--kubeconfig', kubeconfig]);
    const remaining = (await apps.listNamespacedDeployment({ namespace })).items;

    expect(installed.status?.readyReplicas).toBe(4);
    expect(upgraded.metadata?.generation).toBeGreaterThan(installed.metadata?.generation ?? 0);
    expect(migrationsRun).toBe(2);
    expect(remaining).toEqual([]);
  });
});

/** The Secrets production-values.yaml expects to exist before the install. */
async function createExistingSecrets(namespace: string): Promise<void> {
  const secrets: Record<string, Record<string, string>> = {
    'maestro-postgres': { url: 'postgres://maestro:pw@db.example.com:5432/maestro' },
    'maestro-redis': { password: 'redis-pw' },
    'maestro-temporal-api-key': { 'api-key': 'temporal-api-key' },
    'maestro-temporal-mtls': { 'ca.crt': 'CA', 'tls.crt': 'CERT', 'tls.key': 'KEY' },
    'maestro-room-auth': { secret: 'a-room-token-secret-of-at-least-32-chars' },
    'maestro-api-keys': { pepper: 'an-api-key-pepper-of-at-least-32-chars' },
    'maestro-payload-keys': { '2026-12': Buffer.alloc(32, 7).toString('base64') },
  };
  for (const [name, stringData] of Object.entries(secrets))
    await core.createNamespacedSecret({ namespace, body: { metadata: { name }, stringData } });
  await core.createNamespacedSecret({
    namespace,
    body: {
      metadata: { name: 'maestro-api-tls' },
      type: 'kubernetes.io/tls',
      stringData: { 'tls.crt': 'CERT', 'tls.key': 'KEY' },
    },
  });
}
