/**
 * The Kubernetes runtime's watch across a kube-apiserver restart. The cluster is this file's own
 * (etcd, kube-apiserver, controller-manager, scheduler and kwok nodes): restarting the run's shared
 * one would cut off the other test files using it at the same time.
 */
import { readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import path from 'node:path';
import pino from 'pino';
import {
  restartKubeComponent,
  startKubeCluster,
  stopKubeCluster,
} from '../../../scripts/local-infra/kube-cluster';
import { KubernetesRuntime } from '../../../src/adapters/runtime/kubernetes/kubernetes-runtime';
import type { RuntimeScheduler } from '../../../src/ports/runtime';
import { sharedInfra, uniqueSuffix } from '../../support/infra';
import { config as sharedConfig, spec, watch } from '../../support/kubernetes-runtime-fixture';
import { eventually, eventuallyStatus } from '../../support/runtime-contract';

describe('kubernetes runtime watch across an API server restart', () => {
  const stateDir = path.join(sharedInfra().workDir, `chaos-kube-watch-${uniqueSuffix()}`);
  const scheduler: RuntimeScheduler = {
    name: `k8s-${uniqueSuffix()}`,
    labels: {},
    annotations: {},
  };
  let runtime: KubernetesRuntime;
  let config: typeof sharedConfig;

  beforeAll(async () => {
    const cluster = await startKubeCluster(stateDir);
    config = { ...sharedConfig, kubeconfigPath: cluster.kubeconfig };
    runtime = new KubernetesRuntime(config, pino({ level: 'silent' }));
    await runtime.createSchedulerSpace(scheduler);
  }, 300_000);

  afterAll(async () => {
    await stopKubeCluster(stateDir);
    rmSync(stateDir, { recursive: true, force: true });
  }, 120_000);

  const create = (roomId: string, index: number) =>
    runtime.createRoom({ scheduler, roomId, spec: spec(), hostPorts: { game: 30_000 + index } });
  const deleteRoom = (roomId: string) =>
    runtime.deleteRoom({ scheduler: scheduler.name, roomId, reason: 'scale_down' });

  it('reports rooms deleted while the API server was down or just back, once each, and keeps watching', async () => {
    const patient = new KubernetesRuntime(
      { ...config, resyncIntervalMs: 600_000 },
      pino({ level: 'silent' }),
    );
    const ids = ['r0', 'r1', 'r2', 'r3', 'r4', 'r5'];
    await Promise.all(ids.map((id, i) => create(id, i)));
    await Promise.all(ids.map((id) => eventuallyStatus(runtime, scheduler.name, id, 'ready')));
    const watching = watch(patient, scheduler.name);
    await eventually(async () =>
      expect(watching.events.filter((e) => e.type === 'added')).toHaveLength(ids.length),
    );
    const deletedWhileDown = ['r0', 'r1'];
    const deletedWhenBack = ['r2', 'r3'];

    let readWhileDown: Promise<unknown> | undefined;

    const { wasDown } = await restartApiServer(async () => {
      for (const id of deletedWhileDown) await deletePodInEtcd(scheduler.name, id);
      readWhileDown = runtime.getRoom(scheduler.name, 'r5');
    });
    await Promise.all(deletedWhenBack.map((id) => deleteRoom(id)));
    await create('after-restart', 9);
    await eventually(async () => {
      for (const id of [...deletedWhileDown, ...deletedWhenBack])
        expect(watching.types(id)).toContain('deleted');
      expect(watching.types('after-restart')).toContain('added');
    }, 60_000);
    await watching.stop();

    expect(wasDown).toBe(true);
    await expect(readWhileDown).resolves.toMatchObject({ id: 'r5', status: 'ready' });
    for (const id of [...deletedWhileDown, ...deletedWhenBack])
      expect(watching.types(id)).toEqual(expect.arrayContaining(['added', 'deleted']));
    for (const id of [...deletedWhileDown, ...deletedWhenBack])
      expect(watching.types(id).filter((type) => type === 'deleted')).toHaveLength(1);
    for (const id of ['r4', 'r5']) expect(watching.types(id)).toEqual(['added']);
  });

  /**
   * Restarts kube-apiserver and runs `whileDown` once the old process is gone, before the new one
   * serves; says whether the API server was still not serving when `whileDown` finished.
   */
  async function restartApiServer(whileDown: () => Promise<void>): Promise<{ wasDown: boolean }> {
    const pidFile = path.join(stateDir, 'run', 'kube-apiserver.pid');
    const oldPid = Number(readFileSync(pidFile, 'utf8'));
    const restarting = restartKubeComponent(stateDir, 'kube-apiserver');
    await eventually(async () => expect(isAlive(oldPid)).toBe(false), 30_000);
    await whileDown();
    const wasDown = !(await isListening(cluster().apiPort));
    await restarting;
    return { wasDown };
  }

  /** Deletes a pod behind the API server's back, as if it happened while nobody could watch. */
  async function deletePodInEtcd(namespace: string, name: string) {
    const key = Buffer.from(`/registry/pods/${namespace}/${name}`).toString('base64');
    const response = await fetch(`${cluster().etcdUrl}/v3/kv/deleterange`, {
      method: 'POST',
      body: JSON.stringify({ key }),
    });
    expect(((await response.json()) as { deleted?: string }).deleted).toBe('1');
  }

  function cluster(): { etcdUrl: string; apiPort: number } {
    return JSON.parse(readFileSync(path.join(stateDir, 'cluster.json'), 'utf8')) as {
      etcdUrl: string;
      apiPort: number;
    };
  }
});

/** Running, and not a zombie waiting to be reaped. */
function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

function isListening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
