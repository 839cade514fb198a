/**
 * The Kubernetes runtime against a real kube-apiserver with KWOK nodes
 * (test/support/kubernetes-runtime-fixture.ts): rooms as pods, their placement and addresses,
 * deletion events, many rooms, the disruption budget.
 */
import type { V1Node } from '@kubernetes/client-node';
import pino from 'pino';
import { KubernetesRuntime } from '../../src/adapters/runtime/kubernetes/kubernetes-runtime';
import { RoomNotPlacedError } from '../../src/domain/game-room/errors';
import type { RuntimeScheduler } from '../../src/ports/runtime';
import { uniqueSuffix } from '../support/infra';
import {
  config,
  core,
  hostPorts,
  policy,
  runtime,
  spec,
  useKubernetesRuntime,
  useSchedulerSpace,
  watch,
} from '../support/kubernetes-runtime-fixture';
import { eventually, eventuallyStatus } from '../support/runtime-contract';

useKubernetesRuntime();

/** What a runtime may send to follow a scheduler's rooms. */
const FOLLOWING = ['list pods', 'open watch', 'read node'];

describe('kubernetes runtime', () => {
  const space = useSchedulerSpace();
  const { create, deleteRoom, readPod } = space;
  let scheduler: RuntimeScheduler;
  beforeEach(() => (scheduler = space.current()));

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

  it('creates a room with one API request, deletes it with two, and follows rooms with none per room', async () => {
    // A runtime of its own: nothing else of this file's counts in its requests.
    const own = new KubernetesRuntime(config, pino({ level: 'silent' }));
    const ids = Array.from({ length: 20 }, (_, i) => `counted-${i}`);

    await Promise.all(
      ids.map((roomId, i) =>
        own.createRoom({
          scheduler,
          roomId,
          spec: spec(),
          hostPorts: hostPorts(i),
          environment: {},
        }),
      ),
    );
    const created = own.requestsSent();
    const events = watch(own, scheduler.name);
    await eventually(async () => {
      const ready = events.events.filter((e) => e.instance.status === 'ready');
      expect(new Set(ready.map((e) => e.instance.id))).toEqual(new Set(ids));
    }, 60_000);
    const watched = own.requestsSent();
    await Promise.all(
      ids.map((roomId) => own.deleteRoom({ scheduler: scheduler.name, roomId, reason: 'test' })),
    );
    const deleted = own.requestsSent();

    expect(created).toEqual({ 'create pod': 20 });
    // Following them: a list and a watch for the whole scheduler (again if the stream ended), each
    // node's address read once; never a read per room.
    const { 'create pod': creates, ...following } = watched;
    expect(creates).toBe(20);
    expect(Object.keys(following).filter((name) => !FOLLOWING.includes(name))).toEqual([]);
    expect(following['read node'] ?? 0).toBeLessThanOrEqual(3);
    expect(Object.values(following).reduce((sum, n) => sum + n, 0)).toBeLessThan(ids.length / 2);
    // Deleting: the deletion and its event, no read first.
    expect(deleted['delete pod']).toBe(20);
    expect(deleted['record deletion event']).toBe(20);
    expect(deleted['read pod']).toBeUndefined();
  });

  it('sends its requests over kept-alive connections, not a new connection each', async () => {
    const own = new KubernetesRuntime(config, pino({ level: 'silent' }));

    for (let i = 0; i < 6; i++) {
      const room = { roomId: `kept-${i}`, spec: spec(), hostPorts: hostPorts(i), environment: {} };
      await own.createRoom({ scheduler, ...room });
    }
    await Promise.all(Array.from({ length: 6 }, (_, i) => deleteRoom(`kept-${i}`)));

    expect(own.requestsSent()).toEqual({ 'create pod': 6 });
    expect(own.connectionsOpened()).toBe(1);
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
});

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
