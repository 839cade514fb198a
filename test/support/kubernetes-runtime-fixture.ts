/**
 * The Kubernetes runtime against the test cluster (a real kube-apiserver with KWOK nodes), shared
 * by test/k8s/kubernetes-runtime-*.test.ts: one runtime per test file, rooms' specs, host ports of
 * their own for every test, and watches that end with their test.
 */
import { CoreV1Api, KubeConfig, PolicyV1Api, type User } from '@kubernetes/client-node';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import {
  KubernetesRuntime,
  type KubernetesRuntimeConfig,
} from '../../src/adapters/runtime/kubernetes/kubernetes-runtime';
import type { InstanceEvent } from '../../src/domain/game-room/instance';
import type { Spec } from '../../src/domain/scheduler/spec';
import type { Runtime, RuntimeScheduler } from '../../src/ports/runtime';
import { kubernetesInfra, uniqueSuffix } from './infra';

export const { kubeconfig, kubeStateDir } = kubernetesInfra();
export const config: KubernetesRuntimeConfig = {
  kubeconfigPath: kubeconfig,
  inCluster: false,
  qps: 100,
  burst: 200,
  resyncIntervalMs: 30_000,
};
export const runtime = new KubernetesRuntime(config, pino({ level: 'silent' }));
export const kubeConfig = new KubeConfig();
kubeConfig.loadFromFile(kubeconfig);
export const core = kubeConfig.makeApiClient(CoreV1Api);
export const policy = kubeConfig.makeApiClient(PolicyV1Api);
const tempDir = mkdtempSync(path.join(tmpdir(), 'maestro-k8s-test-'));

// A kwok node holds each host port once, and deleted namespaces linger for seconds: every test
// gets host ports of its own.
const portBase = 20_000 + Math.floor(Math.random() * 20_000);
let portOffset = 0;
export const hostPorts = (index: number) => ({ game: portBase + portOffset + index });

const openWatches: Array<() => Promise<void>> = [];

/** Registers the file's hooks: fresh host ports per test, watches stopped, files removed. */
export function useKubernetesRuntime(): void {
  afterAll(() => rmSync(tempDir, { recursive: true, force: true }));
  beforeEach(() => {
    portOffset += 100;
  });
  afterEach(async () => {
    await Promise.all(openWatches.splice(0).map((stop) => stop()));
  });
}

export function spec(overrides: Partial<Spec> = {}): Spec {
  return {
    version: 'v1.0.0',
    terminationGracePeriodMs: 2_000,
    toleration: '',
    affinity: '',
    restartPolicy: 'Never',
    containers: [
      {
        name: 'game',
        image: 'registry.example/game:1',
        imagePullPolicy: 'IfNotPresent',
        command: ['./game'],
        environment: [{ name: 'MODE', value: 'ranked' }],
        requests: { cpu: '10m', memory: '32Mi' },
        limits: { cpu: '100m', memory: '64Mi' },
        ports: [{ name: 'game', protocol: 'tcp', port: 7777 }],
      },
    ],
    ...overrides,
  };
}

/** Every event of the scheduler's watch, until `stop` (or the end of the test). */
export function watch(source: Runtime, scheduler: string) {
  const controller = new AbortController();
  const events: InstanceEvent[] = [];
  const consuming = (async () => {
    for await (const event of source.watchRooms(scheduler, controller.signal)) events.push(event);
  })();
  const stop = async () => {
    controller.abort();
    await consuming;
  };
  openWatches.push(stop);
  const of = (roomId: string) => events.filter((event) => event.instance.id === roomId);
  return {
    events,
    of,
    types: (roomId: string) => of(roomId).map((event) => event.type),
    stop,
  };
}

/** A kubeconfig file like the test cluster's, with another server address or user. */
export function writeKubeconfig(overrides: { server?: string; user?: User }): string {
  const cluster = {
    ...kubeConfig.getCurrentCluster()!,
    ...(overrides.server && { server: overrides.server }),
  };
  const user = overrides.user ?? kubeConfig.getCurrentUser()!;
  const written = new KubeConfig();
  written.loadFromOptions({
    clusters: [cluster],
    users: [user],
    contexts: [{ name: 'test', cluster: cluster.name, user: user.name }],
    currentContext: 'test',
  });
  const file = path.join(tempDir, `kubeconfig-${uniqueSuffix()}`);
  writeFileSync(file, written.exportConfig());
  return file;
}

/**
 * A scheduler space of its own for every test, deleted after it, and the room helpers on it;
 * `current()` is this test's scheduler (read it in a `beforeEach`). Call it in a `describe` body.
 */
export function useSchedulerSpace() {
  let scheduler: RuntimeScheduler;
  const create = (roomId: string, roomSpec = spec(), index = 0) =>
    runtime.createRoom({ scheduler, roomId, spec: roomSpec, hostPorts: hostPorts(index) });
  const deleteRoom = (roomId: string, reason = 'scale_down') =>
    runtime.deleteRoom({ scheduler: scheduler.name, roomId, reason });
  const readPod = (name: string) => core.readNamespacedPod({ name, namespace: scheduler.name });

  beforeEach(async () => {
    scheduler = {
      name: `k8s-${uniqueSuffix()}`,
      labels: { team: 'blue' },
      annotations: { 'example.com/owner': 'blue' },
    };
    await runtime.createSchedulerSpace(scheduler);
  });

  afterEach(async () => {
    await runtime.deleteSchedulerSpace(scheduler.name);
  });

  return { current: () => scheduler, create, deleteRoom, readPod };
}
