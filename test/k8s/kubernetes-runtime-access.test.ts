/**
 * The Kubernetes runtime against a real kube-apiserver with KWOK nodes
 * (test/support/kubernetes-runtime-fixture.ts): the client's request rate and the RBAC that
 * docs/runtimes.md documents.
 */
import { KubernetesObjectApi, loadAllYaml, type KubernetesObject } from '@kubernetes/client-node';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { KubernetesRuntime } from '../../src/adapters/runtime/kubernetes/kubernetes-runtime';
import type { RuntimeScheduler } from '../../src/ports/runtime';
import { uniqueSuffix } from '../support/infra';
import {
  config,
  core,
  hostPorts,
  kubeConfig,
  spec,
  useKubernetesRuntime,
  useSchedulerSpace,
  watch,
  writeKubeconfig,
} from '../support/kubernetes-runtime-fixture';
import { eventually, eventuallyStatus } from '../support/runtime-contract';

useKubernetesRuntime();

describe('kubernetes runtime', () => {
  const space = useSchedulerSpace();
  let scheduler: RuntimeScheduler;
  beforeEach(() => (scheduler = space.current()));

  it('spaces its requests out to the configured rate once the burst is spent', async () => {
    const throttled = new KubernetesRuntime(
      { ...config, qps: 10, burst: 1 },
      pino({ level: 'silent' }),
    );
    const started = Date.now();

    await Promise.all(Array.from({ length: 11 }, () => throttled.listRooms(scheduler.name)));

    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('runs a room through its whole life as the ServiceAccount of the RBAC in docs/runtimes.md', async () => {
    const rbac = loadAllYaml(documentedRbac()) as KubernetesObject[];
    const objects = KubernetesObjectApi.makeApiClient(kubeConfig);
    await core.createNamespace({ body: { metadata: { name: 'maestro' } } });
    for (const object of rbac) await objects.create(object);
    const restricted = new KubernetesRuntime(
      { ...config, kubeconfigPath: await serviceAccountKubeconfig('maestro', 'maestro') },
      pino({ level: 'silent' }),
    );
    const space = { name: `rbac-${uniqueSuffix()}`, labels: {}, annotations: {} };
    try {
      await restricted.createSchedulerSpace(space);
      const watching = watch(restricted, space.name);
      await restricted.createRoom({
        scheduler: space,
        roomId: 'rbac',
        spec: spec(),
        hostPorts: hostPorts(0),
      });
      await eventuallyStatus(restricted, space.name, 'rbac', 'ready');
      const address = await restricted.roomAddress(space.name, 'rbac');
      await restricted.setDisruptionBudget(space.name, 1);
      await restricted.deleteRoom({ scheduler: space.name, roomId: 'rbac', reason: 'scale_down' });
      await eventually(async () => expect(watching.types('rbac')).toContain('deleted'));
      const recorded = await core.listNamespacedEvent({
        namespace: space.name,
        fieldSelector: 'reason=GameRoomDeleted',
      });
      await restricted.deleteSchedulerSpace(space.name);

      expect(address.host).toMatch(/\.maestro\.test$/);
      expect(recorded.items).toHaveLength(1);
      expect((await core.readNamespace({ name: space.name })).status?.phase).toBe('Terminating');
    } finally {
      for (const object of rbac.reverse()) await objects.delete(object);
      await core.deleteNamespace({ name: 'maestro' });
    }
  });
});

/** The RBAC block of docs/runtimes.md, as users copy it. */
function documentedRbac(): string {
  const doc = readFileSync(path.resolve(__dirname, '../../docs/runtimes.md'), 'utf8');
  const block = /```yaml\n([^`]*kind: ClusterRole\n[^`]*)```/.exec(doc)?.[1];
  if (!block) throw new Error('docs/runtimes.md has no yaml block with the ClusterRole');
  return block;
}

/** A kubeconfig file for the cluster that authenticates as the ServiceAccount. */
async function serviceAccountKubeconfig(namespace: string, name: string): Promise<string> {
  const request = await core.createNamespacedServiceAccountToken({
    name,
    namespace,
    body: { spec: { audiences: [], expirationSeconds: 3600 } },
  });
  return writeKubeconfig({ user: { name, token: request.status?.token } });
}
