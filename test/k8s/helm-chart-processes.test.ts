import type { KubernetesObject } from '@kubernetes/client-node';
import { freePort } from '../../scripts/local-infra/paths';
import { createTestDatabase, kubernetesInfra, sharedInfra, uniqueSuffix } from '../support/infra';
import { byKind, renderChart, workloads, type Workload } from '../support/helm-chart';
import { containerEnvironment } from '../support/helm-chart-environment';
import { runMaestro, waitFor, type MaestroProcess } from '../support/maestro-process';

/**
 * Each module run as the chart runs it (the container's args and the environment the kubelet
 * would give it), with only the endpoints pointed at this test run's services: PostgreSQL, Redis,
 * Temporal, the Kubernetes API (a kubeconfig instead of the in-cluster account) and free ports.
 */
describe('maestro run with the environment and args the chart gives each container', () => {
  const infra = sharedInfra();
  const suffix = uniqueSuffix();
  const processes: { workload: Workload; maestro: MaestroProcess }[] = [];
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let objects: KubernetesObject[];

  beforeAll(async () => {
    database = await createTestDatabase();
    const set: Record<string, string> = {
      'postgres.url': database.url,
      'redis.url': infra.redisUrl,
      'redis.keyPrefix': `helm-${suffix}:`,
      'temporal.address': infra.temporalAddress,
      'temporal.taskQueuePrefix': `helm-${suffix}`,
      'config.MAESTRO_BIND_HOST': '127.0.0.1',
      'config.MAESTRO_KUBERNETES_IN_CLUSTER': 'false',
      'config.MAESTRO_KUBERNETES_KUBECONFIG': kubernetesInfra().kubeconfig,
    };
    for (const module of ['managementApi', 'roomsApi'])
      for (const port of ['http', 'grpc'])
        set[`modules.${module}.ports.${port}`] = `${await freePort()}`;
    for (const module of [
      'managementApi',
      'roomsApi',
      'worker',
      'runtimeWatcher',
      'metricsReporter',
    ])
      set[`modules.${module}.ports.internal`] = `${await freePort()}`;
    objects = await renderChart({ set });
  });

  afterAll(async () => {
    for (const { maestro } of processes)
      if (maestro.child.exitCode === null) maestro.child.kill('SIGKILL');
    await Promise.all(processes.map(({ maestro }) => maestro.exited));
    await database.drop();
  });

  const run = (workload: Workload) => {
    const container = workload.spec.template.spec.containers[0]!;
    const maestro = runMaestro(container.args ?? [], containerEnvironment(objects, container));
    processes.push({ workload, maestro });
    return maestro;
  };

  it('migrates with the migration Job', async () => {
    const [job] = byKind<Workload>(objects, 'Job');

    const { code } = await run(job!).exited;

    expect(code).toBe(0);
  });

  it("becomes ready on every module's readiness probe, then drains within the pod's grace period on SIGTERM", async () => {
    const deployments = workloads(objects).filter((w) => w.kind === 'Deployment');
    const started = deployments.map((workload) => ({ workload, maestro: run(workload) }));
    const probe = (workload: Workload) => {
      const container = workload.spec.template.spec.containers[0]!;
      const port = container.ports?.find((p) => p.name === container.readinessProbe?.httpGet?.port);
      const url = `http://127.0.0.1:${port?.containerPort}${container.readinessProbe?.httpGet?.path}`;
      return fetch(url).then(
        (r) => r.status,
        () => 0,
      );
    };

    const statuses = await waitFor(
      () => Promise.all(deployments.map(probe)),
      (all) =>
        all.every((status) => status === 200) ||
        started.some(({ maestro }) => maestro.child.exitCode !== null),
      60_000,
    );
    if (!statuses.every((status) => status === 200)) throw new Error(report(started, statuses));
    const drained = await Promise.all(
      started.map(async ({ workload, maestro }) => {
        const pod = workload.spec.template.spec;
        const preStop = Number(pod.containers[0]?.lifecycle?.preStop?.exec?.command?.[1] ?? 0);
        const grace = (pod.terminationGracePeriodSeconds ?? 30) - preStop;
        const since = Date.now();
        maestro.child.kill('SIGTERM');
        const exit = await Promise.race([maestro.exited, sleep(grace * 1000 + 1000)]);
        return { code: exit?.code, withinGrace: Date.now() - since < grace * 1000 };
      }),
    );

    expect(statuses).toEqual(deployments.map(() => 200));
    for (const result of drained) expect(result).toEqual({ code: 0, withinGrace: true });
  });
});

const sleep = (ms: number) =>
  new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), ms));

/** Which modules did not become ready, with the end of what each printed. */
function report(started: { workload: Workload; maestro: MaestroProcess }[], statuses: number[]) {
  return started
    .map(({ workload, maestro }, i) =>
      statuses[i] === 200
        ? ''
        : `${workload.metadata?.name}: readiness ${statuses[i]}, exit ${maestro.child.exitCode}\n` +
          maestro.output().slice(-2_000),
    )
    .filter(Boolean)
    .join('\n---\n');
}
