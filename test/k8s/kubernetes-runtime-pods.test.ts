import {
  CoreV1Api,
  KubeConfig,
  KubernetesObjectApi,
  loadAllYaml,
  PolicyV1Api,
  type KubernetesObject,
  type User,
  type V1Node,
} from '@kubernetes/client-node';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import {
  KubernetesRuntime,
  type KubernetesRuntimeConfig,
} from '../../src/adapters/runtime/kubernetes/kubernetes-runtime';
import { RoomNotPlacedError } from '../../src/domain/game-room/errors';
import type { InstanceEvent } from '../../src/domain/game-room/instance';
import type { Spec } from '../../src/domain/scheduler/spec';
import type { Runtime, RuntimeScheduler } from '../../src/ports/runtime';
import { restartKubeComponent } from '../../scripts/local-infra/kube-cluster';
import { sharedInfra, uniqueSuffix } from '../support/infra';
import { describeRuntimeContract, eventually, eventuallyStatus } from '../support/runtime-contract';

const { kubeconfig, kubeStateDir } = sharedInfra();
const config: KubernetesRuntimeConfig = {
  kubeconfigPath: kubeconfig,
  inCluster: false,
  qps: 100,
  burst: 200,
  resyncIntervalMs: 30_000,
};
const runtime = new KubernetesRuntime(config, pino({ level: 'silent' }));
const kubeConfig = new KubeConfig();
kubeConfig.loadFromFile(kubeconfig);
const core = kubeConfig.makeApiClient(CoreV1Api);
const policy = kubeConfig.makeApiClient(PolicyV1Api);
const tempDir = mkdtempSync(path.join(tmpdir(), 'maestro-k8s-test-'));
afterAll(() => rmSync(tempDir, { recursive: true, force: true }));

// A kwok node holds each host port once, and deleted namespaces linger for seconds: every test
// gets host ports of its own.
const portBase = 20_000 + Math.floor(Math.random() * 20_000);
let portOffset = 0;
beforeEach(() => {
  portOffset += 100;
});
const hostPorts = (index: number) => ({ game: portBase + portOffset + index });

function spec(overrides: Partial<Spec> = {}): Spec {
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

describeRuntimeContract('kubernetes', {
  runtime: () => runtime,
  spec: () => spec(),
  hostPorts,
  bulkRooms: 50,
});

const openWatches: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(openWatches.splice(0).map((stop) => stop()));
});

/** Every event of the scheduler's watch, until `stop` (or the end of the test). */
function watch(source: Runtime, scheduler: string) {
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

describe('kubernetes runtime', () => {
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

  describe('on a dedicated node', () => {
    const suffix = uniqueSuffix();
    const node = `maestro-test-${suffix}`;
    const affinity = `maestro-test-rooms-${suffix}`;
    const toleration = `rooms-${suffix}`;
    const nodeIp = '127.0.3.7';

    beforeAll(async () => {
      await core.createNode({ body: dedicatedNode(node, affinity, toleration, nodeIp) });
    });

    afterAll(async () => {
      await core.deleteNode({ name: node });
    });

    it("creates the pod in maestro's shape and it runs on the node its toleration and affinity allow", async () => {
      const roomSpec = spec({ toleration, affinity, restartPolicy: 'OnFailure' });
      roomSpec.containers[0]!.ports[0]!.protocol = 'udp';
      roomSpec.containers[0]!.environment.push({
        name: 'NODE',
        valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } },
      });

      await runtime.createRoom({
        scheduler,
        roomId: 'shaped',
        spec: roomSpec,
        hostPorts: hostPorts(0),
        environment: { MAESTRO_ROOM_TOKEN: 'token' },
      });
      await eventuallyStatus(runtime, scheduler.name, 'shaped', 'ready');

      const pod = await readPod('shaped');
      expect(pod.metadata?.labels).toEqual({
        heritage: 'maestro',
        'maestro-scheduler': scheduler.name,
        version: 'v1.0.0',
        team: 'blue',
      });
      expect(pod.metadata?.annotations).toEqual({
        'cluster-autoscaler.kubernetes.io/safe-to-evict': 'true',
        'example.com/owner': 'blue',
      });
      const container = pod.spec?.containers[0];
      expect(container?.env).toEqual([
        { name: 'MODE', value: 'ranked' },
        { name: 'NODE', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'spec.nodeName' } } },
        { name: 'MAESTRO_SCHEDULER_NAME', value: scheduler.name },
        { name: 'MAESTRO_ROOM_ID', value: 'shaped' },
        { name: 'MAESTRO_ROOM_TOKEN', value: 'token' },
      ]);
      expect(container?.ports).toEqual([
        { name: 'game', protocol: 'UDP', containerPort: 7777, hostPort: hostPorts(0).game },
      ]);
      expect(container?.resources).toEqual({
        requests: { cpu: '10m', memory: '32Mi' },
        limits: { cpu: '100m', memory: '64Mi' },
      });
      expect(pod.spec?.tolerations).toContainEqual({
        key: 'dedicated',
        operator: 'Equal',
        value: toleration,
        effect: 'NoSchedule',
      });
      expect(
        pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution,
      ).toEqual({
        nodeSelectorTerms: [
          { matchExpressions: [{ key: affinity, operator: 'In', values: ['true'] }] },
        ],
      });
      expect(pod.spec?.restartPolicy).toBe('OnFailure');
      expect(pod.spec?.terminationGracePeriodSeconds).toBe(2);
      expect(pod.spec?.nodeName).toBe(node);
    });

    it("resolves the address to the node's InternalIP when the node has no DNS name or external IP", async () => {
      await create('internal', spec({ toleration, affinity }));
      await eventuallyStatus(runtime, scheduler.name, 'internal', 'ready');

      const address = await runtime.roomAddress(scheduler.name, 'internal');

      expect(address).toEqual({
        host: nodeIp,
        ports: [{ name: 'game', protocol: 'TCP', port: hostPorts(0).game }],
      });
    });
  });

  it("resolves the address to the node's ExternalDNS name on a node that has one", async () => {
    await create('external');
    await eventuallyStatus(runtime, scheduler.name, 'external', 'ready');

    const address = await runtime.roomAddress(scheduler.name, 'external');

    const nodeName = (await readPod('external')).spec?.nodeName;
    expect(address.host).toBe(`${nodeName}.maestro.test`);
  });

  it('rejects an address request with RoomNotPlacedError while the pod has no node', async () => {
    await create('unplaceable', spec({ affinity: `no-node-has-${uniqueSuffix()}` }));

    const room = await eventuallyStatus(runtime, scheduler.name, 'unplaceable', 'pending');
    await eventually(async () =>
      expect((await runtime.getRoom(scheduler.name, 'unplaceable'))?.reason).toMatch(
        /^Unschedulable: /,
      ),
    );

    expect(room.address).toBeUndefined();
    await expect(runtime.roomAddress(scheduler.name, 'unplaceable')).rejects.toBeInstanceOf(
      RoomNotPlacedError,
    );
  });

  it('records a GameRoomDeleted event with the reason on the pod when a room is deleted', async () => {
    await create('recorded');
    const uid = (await readPod('recorded')).metadata?.uid;

    await deleteRoom('recorded', 'scheduler_update');
    await deleteRoom('recorded', 'scheduler_update');

    const events = await core.listNamespacedEvent({
      namespace: scheduler.name,
      fieldSelector: 'reason=GameRoomDeleted',
    });
    expect(events.items).toHaveLength(1);
    expect(events.items[0]).toMatchObject({
      type: 'Normal',
      reason: 'GameRoomDeleted',
      message: 'scheduler_update',
      source: { component: 'maestro' },
      involvedObject: { kind: 'Pod', name: 'recorded', namespace: scheduler.name, uid },
    });
  });

  it('runs 50 rooms as 50 Running pods of the scheduler and removes every one when deleted', async () => {
    const ids = Array.from({ length: 50 }, (_, i) => `many-${i}`);
    const pods = () =>
      core.listNamespacedPod({
        namespace: scheduler.name,
        labelSelector: `heritage=maestro,maestro-scheduler=${scheduler.name},version=v1.0.0`,
      });

    await Promise.all(ids.map((id, i) => create(id, spec(), i)));
    await eventually(async () => {
      const running = (await pods()).items.filter((pod) => pod.status?.phase === 'Running');
      expect(running.map((pod) => pod.metadata?.name).sort()).toEqual([...ids].sort());
    }, 60_000);
    await Promise.all(ids.map((id) => deleteRoom(id)));

    await eventually(async () => expect((await pods()).items).toEqual([]), 60_000);
  });

  it('reports every transition of a room through the watch: added pending, ready, terminating, deleted', async () => {
    await create('marker', spec(), 1);
    await eventuallyStatus(runtime, scheduler.name, 'marker', 'ready');
    const watching = watch(runtime, scheduler.name);
    await eventually(async () => expect(watching.types('marker')).toContain('added'));

    await create('watched');
    await eventuallyStatus(runtime, scheduler.name, 'watched', 'ready');
    await deleteRoom('watched');
    await eventually(async () => expect(watching.types('watched')).toContain('deleted'));
    await watching.stop();

    const steps = watching.of('watched').map((event) => `${event.type} ${event.instance.status}`);
    expect(steps[0]).toBe('added pending');
    expect(steps.at(-1)).toBe('deleted terminating');
    const ready = steps.indexOf('updated ready');
    const terminating = steps.indexOf('updated terminating');
    expect(ready).toBeGreaterThan(0);
    expect(terminating).toBeGreaterThan(ready);
  });

  it('reports, at the next resync, a deletion its hung watch connection never delivered, and nothing twice', async () => {
    const proxy = await startFreezableProxy(new URL(kubeConfig.getCurrentCluster()!.server));
    const server = `https://127.0.0.1:${proxy.port}`;
    const resyncing = new KubernetesRuntime(
      { ...config, kubeconfigPath: writeKubeconfig({ server }), resyncIntervalMs: 1_000 },
      pino({ level: 'silent' }),
    );
    await create('steady');
    await create('doomed', spec(), 1);
    await eventuallyStatus(runtime, scheduler.name, 'steady', 'ready');
    await eventuallyStatus(runtime, scheduler.name, 'doomed', 'ready');
    const watching = watch(resyncing, scheduler.name);
    await eventually(async () => expect(watching.events).toHaveLength(2));

    await eventually(async () => expect(proxy.freeze(200)).toBeGreaterThan(0));
    await deleteRoom('doomed');
    await eventually(async () => expect(watching.types('doomed')).toContain('deleted'));
    await watching.stop();
    await proxy.close();

    expect(watching.types('steady')).toEqual(['added']);
    expect(watching.types('doomed')[0]).toBe('added');
    expect(watching.types('doomed').filter((type) => type === 'deleted')).toHaveLength(1);
  });

  it('spaces its requests out to the configured rate once the burst is spent', async () => {
    const throttled = new KubernetesRuntime(
      { ...config, qps: 10, burst: 1 },
      pino({ level: 'silent' }),
    );
    const started = Date.now();

    await Promise.all(Array.from({ length: 11 }, () => throttled.listRooms(scheduler.name)));

    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('sets the disruption budget and recreates it when it is missing', async () => {
    const budget = () =>
      policy.readNamespacedPodDisruptionBudget({ name: scheduler.name, namespace: scheduler.name });
    const created = await budget();

    await runtime.setDisruptionBudget(scheduler.name, 5);
    const raised = await budget();
    await policy.deleteNamespacedPodDisruptionBudget({
      name: scheduler.name,
      namespace: scheduler.name,
    });
    await runtime.setDisruptionBudget(scheduler.name, 2);
    const recreated = await budget();

    expect(created.metadata?.labels).toEqual({ 'app.kubernetes.io/managed-by': 'maestro' });
    expect(created.spec).toMatchObject({
      minAvailable: 0,
      selector: { matchLabels: { 'maestro-scheduler': scheduler.name } },
    });
    expect(raised.spec?.minAvailable).toBe(5);
    expect(recreated.spec?.minAvailable).toBe(2);
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

  it('reports rooms deleted while the API server was down or just back, once each, and keeps watching', async () => {
    const patient = new KubernetesRuntime(
      { ...config, resyncIntervalMs: 600_000 },
      pino({ level: 'silent' }),
    );
    const ids = ['r0', 'r1', 'r2', 'r3', 'r4', 'r5'];
    await Promise.all(ids.map((id, i) => create(id, spec(), i)));
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
    await create('after-restart', spec(), 9);
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
});

/**
 * Restarts kube-apiserver and runs `whileDown` once the old process is gone, before the new one
 * serves; says whether the API server was still not serving when `whileDown` finished.
 */
async function restartApiServer(whileDown: () => Promise<void>): Promise<{ wasDown: boolean }> {
  const pidFile = path.join(kubeStateDir, 'run', 'kube-apiserver.pid');
  const oldPid = Number(readFileSync(pidFile, 'utf8'));
  const restarting = restartKubeComponent(kubeStateDir, 'kube-apiserver');
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

/** A kubeconfig file like the test cluster's, with another server address or user. */
function writeKubeconfig(overrides: { server?: string; user?: User }): string {
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
 * A TCP proxy to the API server whose long-lived connections (watches) can be frozen: they stay
 * open but carry nothing, as through a dead NAT entry or a hung load balancer.
 */
async function startFreezableProxy(target: URL) {
  const open = new Map<Socket, { upstream: Socket; openedAt: number }>();
  const frozen: Socket[] = [];
  const server = createServer((client) => {
    const upstream = connect({ host: target.hostname, port: Number(target.port) });
    client.pipe(upstream).pipe(client);
    for (const socket of [client, upstream]) {
      socket.on('error', () => undefined);
      socket.on('close', () => (client.destroy(), upstream.destroy(), open.delete(client)));
    }
    open.set(client, { upstream, openedAt: Date.now() });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    /** Freezes the connections open for `minAgeMs` or more (not a request in flight); says how many. */
    freeze: (minAgeMs: number) => {
      let count = 0;
      for (const [client, { upstream, openedAt }] of open) {
        if (Date.now() - openedAt < minAgeMs) continue;
        open.delete(client);
        for (const socket of [client, upstream]) {
          socket.unpipe();
          socket.pause();
          frozen.push(socket);
        }
        count += 1;
      }
      return count;
    },
    close: async () => {
      for (const socket of frozen) socket.destroy();
      for (const [client, { upstream }] of open) {
        client.destroy();
        upstream.destroy();
      }
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

function cluster(): { etcdUrl: string; apiPort: number } {
  return JSON.parse(readFileSync(path.join(kubeStateDir, 'cluster.json'), 'utf8')) as {
    etcdUrl: string;
    apiPort: number;
  };
}

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

/** A kwok node only rooms with the toleration and affinity may use, with an InternalIP only. */
function dedicatedNode(name: string, label: string, toleration: string, ip: string): V1Node {
  return {
    metadata: {
      name,
      annotations: { 'kwok.x-k8s.io/node': 'fake' },
      labels: { type: 'kwok', 'kubernetes.io/hostname': name, [label]: 'true' },
    },
    spec: {
      taints: [{ key: 'dedicated', value: toleration, effect: 'NoSchedule' }],
      podCIDR: '10.244.250.0/24',
      podCIDRs: ['10.244.250.0/24'],
    },
    status: {
      addresses: [
        { type: 'InternalIP', address: ip },
        { type: 'Hostname', address: name },
      ],
      allocatable: { cpu: '100', memory: '100Gi', pods: '100' },
      capacity: { cpu: '100', memory: '100Gi', pods: '100' },
    },
  };
}
