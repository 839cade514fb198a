import type {
  KubernetesObject,
  V1Deployment,
  V1PodDisruptionBudget,
  V1Service,
  V2HorizontalPodAutoscaler,
} from '@kubernetes/client-node';
import { MODULE_NAMES } from '../../src/config/load';
import { byKind, PRODUCTION_VALUES, renderChart, type Workload } from '../support/helm-chart';

let defaults: KubernetesObject[];
let production: KubernetesObject[];
beforeAll(async () => {
  [defaults, production] = await Promise.all([
    renderChart(),
    renderChart({ valuesFiles: [PRODUCTION_VALUES] }),
  ]);
});

/** The Deployment whose pods a selector picks; exactly one, or the selector is wrong. */
function selected(objects: KubernetesObject[], selector: Record<string, string> | undefined) {
  const matches = byKind<V1Deployment & Workload>(objects, 'Deployment').filter((d) =>
    Object.entries(selector ?? {}).every(([k, v]) => d.spec.template.metadata?.labels?.[k] === v),
  );
  expect(matches).toHaveLength(1);
  return matches[0]!;
}

/** The container port a Service port reaches, through its named targetPort. */
function targetPort(deployment: V1Deployment & Workload, name: unknown) {
  return deployment.spec.template.spec.containers[0]?.ports?.find((p) => p.name === name)
    ?.containerPort;
}

describe('helm chart Services, autoscaling and budgets', () => {
  it('exposes HTTP and gRPC of both APIs on the Maestro ports, reaching the right pods', () => {
    const services = byKind<V1Service>(defaults, 'Service').filter(
      (s) => s.spec?.clusterIP !== 'None',
    );

    const exposed = services.map((service) => {
      const deployment = selected(defaults, service.spec?.selector);
      return {
        service: service.metadata?.name,
        ports: service.spec?.ports?.map((p) => ({
          name: p.name,
          port: p.port,
          appProtocol: p.appProtocol,
          reaches: targetPort(deployment, p.targetPort),
        })),
      };
    });

    expect(exposed).toEqual([
      {
        service: 'maestro-management-api',
        ports: [
          { name: 'http', port: 8080, appProtocol: 'http', reaches: 8080 },
          { name: 'grpc', port: 9090, appProtocol: 'grpc', reaches: 9090 },
        ],
      },
      {
        service: 'maestro-rooms-api',
        ports: [
          { name: 'http', port: 8070, appProtocol: 'http', reaches: 8070 },
          { name: 'grpc', port: 9070, appProtocol: 'grpc', reaches: 9070 },
        ],
      },
    ]);
  });

  it("gives every module a headless metrics Service with a port named metrics on the module's internal port", () => {
    const metrics = byKind<V1Service>(defaults, 'Service').filter(
      (s) => s.spec?.clusterIP === 'None',
    );

    const modules = metrics.map((service) => {
      const deployment = selected(defaults, service.spec?.selector);
      const [port] = service.spec?.ports ?? [];
      return {
        module: deployment.metadata?.labels?.['app.kubernetes.io/component'],
        port: port?.name,
        reachesInternal: targetPort(deployment, port?.targetPort) === port?.port,
        label: service.metadata?.labels?.['maestro-metrics'],
      };
    });

    expect(modules.map((m) => m.module).sort()).toEqual([...MODULE_NAMES].sort());
    for (const m of modules) expect(m).toMatchObject({ port: 'metrics', reachesInternal: true });
    for (const m of modules) expect(m.label).toBe('true');
  });

  it('creates a ServiceMonitor, when asked, that selects every metrics Service by its port name', async () => {
    const objects = await renderChart({ set: { 'metrics.serviceMonitor.enabled': 'true' } });
    const [monitor] = objects.filter((o) => o.kind === 'ServiceMonitor') as (KubernetesObject & {
      spec: { selector: { matchLabels: Record<string, string> }; endpoints: { port: string }[] };
    })[];
    const services = byKind<V1Service>(objects, 'Service');

    const scraped = services.filter((s) =>
      Object.entries(monitor?.spec.selector.matchLabels ?? {}).every(
        ([k, v]) => s.metadata?.labels?.[k] === v,
      ),
    );

    expect(defaults.some((o) => o.kind === 'ServiceMonitor')).toBe(false);
    expect(monitor?.apiVersion).toBe('monitoring.coreos.com/v1');
    expect(monitor?.spec.endpoints.map((e) => e.port)).toEqual(['metrics']);
    expect(scraped.map((s) => s.metadata?.name).sort()).toEqual(
      MODULE_NAMES.map((m) => `maestro-${m}-metrics`).sort(),
    );
  });

  it('autoscales the Rooms API on CPU when enabled, leaving its replica count to the HPA', () => {
    const [hpa] = byKind<V2HorizontalPodAutoscaler>(production, 'HorizontalPodAutoscaler');
    const roomsApi = byKind<V1Deployment>(production, 'Deployment').find(
      (d) => d.metadata?.name === 'maestro-rooms-api',
    );

    expect(byKind(defaults, 'HorizontalPodAutoscaler')).toEqual([]);
    expect(hpa?.spec?.scaleTargetRef).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: 'maestro-rooms-api',
    });
    expect(hpa?.spec).toMatchObject({ minReplicas: 3, maxReplicas: 20 });
    expect(hpa?.spec?.metrics?.[0]?.resource).toMatchObject({
      name: 'cpu',
      target: { type: 'Utilization', averageUtilization: 60 },
    });
    expect(roomsApi?.spec?.replicas).toBeUndefined();
  });

  it('keeps a disruption budget per module that selects exactly its pods', () => {
    const budgets = byKind<V1PodDisruptionBudget>(defaults, 'PodDisruptionBudget');

    const covered = budgets.map(
      (b) =>
        selected(defaults, b.spec?.selector?.matchLabels).metadata?.labels?.[
          'app.kubernetes.io/component'
        ],
    );

    expect(covered.sort()).toEqual([...MODULE_NAMES].sort());
    for (const budget of budgets) expect(budget.spec?.maxUnavailable).toBe(1);
  });
});
