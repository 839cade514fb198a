import type { Scheduler } from '../../src/domain/scheduler/scheduler';
import { validateScheduler } from '../../src/domain/scheduler/validation';
import { isMajorChange, isOtherMajor, nextVersion } from '../../src/domain/scheduler/versioning';

const current: Scheduler = validateScheduler({
  name: 'tennis-eu',
  game: 'tennis',
  maxSurge: '25%',
  roomsReplicas: 3,
  portRange: { start: 40000, end: 41000 },
  spec: {
    version: 'v1.2.0',
    terminationGracePeriodMs: 30_000,
    containers: [
      {
        name: 'game',
        image: 'tennis/server:1.4.0',
        imagePullPolicy: 'IfNotPresent',
        command: ['./server'],
        environment: [{ name: 'MODE', value: 'ranked' }],
        requests: { cpu: '100m', memory: '64Mi' },
        limits: { cpu: '500m', memory: '1Gi' },
        ports: [
          { name: 'game', protocol: 'udp', port: 7000 },
          { name: 'admin', protocol: 'tcp', port: 8080 },
        ],
      },
    ],
  },
  autoscaling: {
    enabled: true,
    min: 1,
    max: 10,
    policy: { type: 'roomOccupancy', parameters: { roomOccupancy: { readyTarget: 0.5 } } },
  },
  forwarders: [{ name: 'matchmaker', enable: true, type: 'gRPC', address: 'mm:9000' }],
  annotations: { team: 'tennis' },
  labels: { tier: 'prod' },
  createdAt: '2024-05-01T10:00:00.000Z',
});

/** `current` with the value at `path` (`a.b[0].c`) replaced, revalidated. */
function changed(path: string, value: unknown): Scheduler {
  const copy = structuredClone(current) as unknown as Record<string, unknown>;
  const keys = path.replace(/\[(\d+)\]/g, '.$1').split('.');
  const last = keys.pop()!;
  const parent = keys.reduce((node, key) => node[key] as Record<string, unknown>, copy);
  parent[last] = value;
  return validateScheduler(copy);
}

const GAME_PORT = 'spec.containers[0].ports[0]';
const sidecar = { ...current.spec.containers[0]!, name: 'sidecar', ports: [] };

const majorChanges: [string, unknown][] = [
  ['spec.containers[0].image', 'tennis/server:1.5.0'],
  ['spec.containers[0].name', 'server'],
  ['spec.containers[0].imagePullPolicy', 'Always'],
  ['spec.containers[0].command', ['./server', '--verbose']],
  ['spec.containers[0].environment', [{ name: 'MODE', value: 'casual' }]],
  ['spec.containers[0].requests.cpu', '200m'],
  ['spec.containers[0].limits.memory', '2Gi'],
  [`${GAME_PORT}.port`, 7001],
  [`${GAME_PORT}.protocol`, 'tcp'],
  [`${GAME_PORT}.name`, 'play'],
  ['spec.containers[0].ports', [{ name: 'game', protocol: 'udp', port: 7000 }]],
  ['spec.containers[1]', sidecar],
  ['spec.terminationGracePeriodMs', 60_000],
  ['spec.toleration', 'game-servers'],
  ['spec.affinity', 'game-nodes'],
  ['spec.restartPolicy', 'Always'],
  ['portRange', { start: 50000, end: 51000 }],
  ['annotations', { team: 'tennis', cost: 'center-7' }],
  ['labels', {}],
];

const minorChanges: [string, unknown][] = [
  ['spec.version', 'v9.0.0'],
  ['name', 'tennis-us'],
  ['game', 'padel'],
  ['state', 'in-sync'],
  ['rollbackVersion', 'v1.1.0'],
  ['createdAt', '2025-01-01T00:00:00.000Z'],
  ['lastDownscaleAt', '2025-01-01T00:00:00.000Z'],
  ['maxSurge', '1'],
  ['roomsReplicas', 30],
  ['autoscaling.enabled', false],
  ['autoscaling.max', 100],
  ['autoscaling.cooldown', 120],
  ['autoscaling.policy', { type: 'fixedBuffer', parameters: { fixedBuffer: { amount: 5 } } }],
  ['matchAllocation', { maxMatches: 4 }],
  ['forwarders', []],
  ['forwarders[0].address', 'mm-v2:9000'],
  ['forwarders[0].options', { timeoutMs: 5000, metadata: { region: 'eu' } }],
];

describe('isMajorChange', () => {
  it.each(majorChanges)('is major when %s changes', (path, value) => {
    expect(isMajorChange(current, changed(path, value))).toBe(true);
  });

  it.each(minorChanges)('is minor when only %s changes', (path, value) => {
    expect(isMajorChange(current, changed(path, value))).toBe(false);
  });

  it('is minor when nothing changes', () => {
    expect(isMajorChange(current, structuredClone(current))).toBe(false);
  });

  it('is minor when collections are absent on one side and empty on the other', () => {
    const withEmpty = { ...changed('spec.containers[0].command', []), annotations: {} };
    const withAbsent = structuredClone(withEmpty) as unknown as {
      annotations?: unknown;
      spec: { containers: { command?: unknown }[] };
    };
    delete withAbsent.annotations;
    delete withAbsent.spec.containers[0]!.command;

    expect(isMajorChange(withEmpty, withAbsent as unknown as Scheduler)).toBe(false);
  });
});

describe('nextVersion', () => {
  const cases: [string[], boolean, string][] = [
    [[], false, 'v1.0.0'],
    [['v1.0.0'], false, 'v1.1.0'],
    [['v1.0.0'], true, 'v2.0.0'],
    [['v1.0.0', 'v1.1.0', 'v2.0.0'], false, 'v2.1.0'],
    [['v1.0.0', 'v1.5.0', 'v2.0.0', 'v1.6.0'], false, 'v2.1.0'],
    [['v2.3.0', 'v1.0.0', 'v2.0.0', 'v1.9.0'], true, 'v3.0.0'],
    [['v1.9.0', 'v1.10.0'], false, 'v1.11.0'],
    [['1.2.0'], false, 'v1.3.0'],
    [['v1.2.0-rc.1'], true, 'v2.0.0'],
    [['garbage', 'v1.0.0'], false, 'v1.1.0'],
  ];

  it.each(cases)('after %j (major: %s) is %s', (existing, isMajor, expected) => {
    expect(nextVersion(existing, isMajor)).toBe(expected);
  });
});

describe('isOtherMajor', () => {
  const cases: [string, string, boolean][] = [
    ['v1.0.0', 'v1.0.0', false],
    ['v1.3.0', 'v1.0.0', false],
    ['1.2.0', 'v1.0.0', false],
    ['v1.0.0', 'v2.0.0', true],
    ['v3.0.0', 'v2.1.0', true],
    ['v10.0.0', 'v1.0.0', true],
    ['garbage', 'v1.0.0', true],
    ['v1.0.0', 'garbage', true],
  ];

  it.each(cases)('a room of %s under active %s is another major: %s', (room, active, expected) => {
    expect(isOtherMajor(room, active)).toBe(expected);
  });
});
