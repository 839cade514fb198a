import { buildPod } from '../../src/adapters/runtime/kubernetes/pod-builder';
import type { Spec } from '../../src/domain/scheduler/spec';
import type { CreateRoomRequest } from '../../src/ports/runtime';

function spec(overrides: Partial<Spec> = {}): Spec {
  return {
    version: 'v1.2.0',
    terminationGracePeriodMs: 15_500,
    toleration: 'game-rooms',
    affinity: 'maestro-rooms',
    restartPolicy: 'OnFailure',
    containers: [
      {
        name: 'game',
        image: 'registry.example/game:1',
        imagePullPolicy: 'IfNotPresent',
        command: ['./game', '--port', '7777'],
        environment: [
          { name: 'MODE', value: 'ranked' },
          { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
          { name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'game-secrets', key: 'token' } } },
        ],
        requests: { cpu: '100m', memory: '64Mi' },
        limits: { cpu: '1', memory: '256Mi' },
        ports: [
          { name: 'game', protocol: 'udp', port: 7777 },
          { name: 'metrics', protocol: 'tcp', port: 9090 },
        ],
      },
    ],
    ...overrides,
  };
}

function request(overrides: Partial<CreateRoomRequest> = {}): CreateRoomRequest {
  return {
    scheduler: {
      name: 'arena',
      labels: { team: 'blue', version: 'user-wins' },
      annotations: { 'example.com/owner': 'blue' },
    },
    roomId: 'arena-bcdfg',
    spec: spec(),
    hostPorts: { game: 40001, metrics: 40002 },
    environment: { MAESTRO_ROOM_TOKEN: 'secret' },
    ...overrides,
  };
}

describe('buildPod', () => {
  it("gives the pod maestro's shape: name, labels, annotations, env, ports, resources and placement", () => {
    const pod = buildPod(request());

    expect(pod).toEqual({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'arena-bcdfg',
        namespace: 'arena',
        labels: {
          heritage: 'maestro',
          'maestro-scheduler': 'arena',
          version: 'user-wins',
          team: 'blue',
        },
        annotations: {
          'cluster-autoscaler.kubernetes.io/safe-to-evict': 'true',
          'example.com/owner': 'blue',
        },
      },
      spec: {
        containers: [
          {
            name: 'game',
            image: 'registry.example/game:1',
            imagePullPolicy: 'IfNotPresent',
            command: ['./game', '--port', '7777'],
            ports: [
              { name: 'game', protocol: 'UDP', containerPort: 7777, hostPort: 40001 },
              { name: 'metrics', protocol: 'TCP', containerPort: 9090, hostPort: 40002 },
            ],
            env: [
              { name: 'MODE', value: 'ranked' },
              { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
              {
                name: 'TOKEN',
                valueFrom: { secretKeyRef: { name: 'game-secrets', key: 'token' } },
              },
              { name: 'MAESTRO_SCHEDULER_NAME', value: 'arena' },
              { name: 'MAESTRO_ROOM_ID', value: 'arena-bcdfg' },
              { name: 'MAESTRO_ROOM_TOKEN', value: 'secret' },
            ],
            resources: {
              requests: { cpu: '100m', memory: '64Mi' },
              limits: { cpu: '1', memory: '256Mi' },
            },
          },
        ],
        restartPolicy: 'OnFailure',
        terminationGracePeriodSeconds: 15,
        tolerations: [
          { key: 'dedicated', operator: 'Equal', value: 'game-rooms', effect: 'NoSchedule' },
        ],
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [
                { matchExpressions: [{ key: 'maestro-rooms', operator: 'In', values: ['true'] }] },
              ],
            },
          },
        },
      },
    });
  });

  it('keeps the version label from the spec when the scheduler does not set one', () => {
    const pod = buildPod(request({ scheduler: { name: 'arena', labels: {}, annotations: {} } }));

    expect(pod.metadata?.labels).toEqual({
      heritage: 'maestro',
      'maestro-scheduler': 'arena',
      version: 'v1.2.0',
    });
  });

  it('leaves out toleration, affinity, grace period and command when the spec has none', () => {
    const bare = spec({ toleration: '', affinity: '', terminationGracePeriodMs: 999 });
    bare.containers[0]!.command = [];

    const pod = buildPod(request({ spec: bare }));

    expect(pod.spec?.tolerations).toEqual([]);
    expect(pod.spec?.affinity).toBeUndefined();
    expect(pod.spec?.terminationGracePeriodSeconds).toBeUndefined();
    expect(pod.spec?.containers[0]).not.toHaveProperty('command');
  });

  it('leaves out empty resource quantities instead of sending invalid ones', () => {
    const partial = spec();
    partial.containers[0]!.limits = { cpu: '', memory: '128Mi' };

    const pod = buildPod(request({ spec: partial }));

    expect(pod.spec?.containers[0]?.resources?.limits).toEqual({ memory: '128Mi' });
  });

  it('appends maestro variables to every container, each after its own', () => {
    const twoContainers = spec();
    twoContainers.containers.push({
      ...twoContainers.containers[0]!,
      name: 'sidecar',
      environment: [{ name: 'SIDE', value: '1' }],
      ports: [],
    });

    const pod = buildPod(request({ spec: twoContainers, environment: undefined }));

    expect(pod.spec?.containers[1]?.env).toEqual([
      { name: 'SIDE', value: '1' },
      { name: 'MAESTRO_SCHEDULER_NAME', value: 'arena' },
      { name: 'MAESTRO_ROOM_ID', value: 'arena-bcdfg' },
    ]);
  });
});
