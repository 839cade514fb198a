import { DomainError, ErrorCode } from '../../src/domain/errors';
import {
  SchedulerValidationError,
  validateScheduler,
  type ValidationProblem,
} from '../../src/domain/scheduler/validation';

const container = (name: string, portName: string) => ({
  name,
  image: 'tennis/server:1.4.0',
  imagePullPolicy: 'IfNotPresent',
  command: ['./server'],
  environment: [{ name: 'MODE', value: 'ranked' }],
  requests: { cpu: '100m', memory: '64Mi' },
  limits: { cpu: '0.5', memory: '1Gi' },
  ports: [{ name: portName, protocol: 'udp', port: 7000 }],
});

/** A valid definition; every rule below breaks it in exactly one place. */
const candidate = () => ({
  name: 'tennis-eu',
  game: 'tennis',
  maxSurge: '25%',
  roomsReplicas: 3,
  portRange: { start: 40000, end: 41000 },
  spec: { terminationGracePeriodMs: 30_000, containers: [container('game', 'game')] },
  autoscaling: {
    enabled: true,
    min: 1,
    max: 10,
    policy: { type: 'roomOccupancy', parameters: { roomOccupancy: { readyTarget: 0.5 } } },
  },
  forwarders: [{ name: 'matchmaker', enable: true, type: 'gRPC', address: 'mm:9000' }],
});

/** `candidate()` with the value at `path` (`a.b[0].c`) replaced; `undefined` removes it. */
function withValue(path: string, value: unknown, base: object = candidate()): unknown {
  const copy = structuredClone(base) as Record<string, unknown>;
  const keys = path.replace(/\[(\d+)\]/g, '.$1').split('.');
  const last = keys.pop()!;
  const parent = keys.reduce((node, key) => node[key] as Record<string, unknown>, copy);
  if (value === undefined) delete parent[last];
  else parent[last] = value;
  return copy;
}

function problemsOf(input: unknown): ValidationProblem[] {
  try {
    validateScheduler(input);
    return [];
  } catch (error) {
    if (error instanceof SchedulerValidationError) return [...error.problems];
    throw error;
  }
}

const RFC_1123 =
  'must contain only lowercase letters, digits and "-", and start and end with a letter or digit (RFC 1123)';
const MAX_SURGE = 'must be an integer of at least 1 or a percentage from 1% to 100%';
const QUANTITY = 'must be a Kubernetes quantity such as 100m, 0.5 or 512Mi';
const PORT = 'must be between 1 and 65535';
const FRACTION = 'must be between 0 and 1 (exclusive)';
const PORT0 = 'spec.containers[0].ports[0]';

/** [path set, value, expected problem (field defaults to the path)]. */
const rules: [string, unknown, string, string?][] = [
  ['name', '', 'is required'],
  ['name', 'a'.repeat(64), 'must be at most 63 characters'],
  ['name', 'Tennis', RFC_1123],
  ['name', 'tennis-', RFC_1123],
  ['name', '-tennis', RFC_1123],
  ['game', '', 'is required'],
  ['maxSurge', '', 'is required'],
  ['maxSurge', '0', MAX_SURGE],
  ['maxSurge', '0%', MAX_SURGE],
  ['maxSurge', '-5%', MAX_SURGE],
  ['maxSurge', '101%', MAX_SURGE],
  ['maxSurge', 'ten', MAX_SURGE],
  ['roomsReplicas', -1, 'must be at least 0'],
  ['roomsReplicas', 1.5, 'must be an integer'],
  ['roomsReplicas', '3', 'must be a number'],
  ['matchAllocation', { maxMatches: 0 }, 'must be between 1 and 35', 'matchAllocation.maxMatches'],
  ['matchAllocation', { maxMatches: 36 }, 'must be between 1 and 35', 'matchAllocation.maxMatches'],
  ['spec', undefined, 'is required'],
  ['spec.version', 'latest', 'must be a semantic version such as v1.0.0'],
  ['spec.terminationGracePeriodMs', 0, 'must be greater than 0', 'spec.terminationGracePeriod'],
  ['spec.containers', [], 'must have at least 1 container'],
  ['spec.restartPolicy', 'Sometimes', 'must be one of Always, OnFailure, Never'],
  ['spec.containers[0].name', 'Game', RFC_1123],
  ['spec.containers[1]', container('game', 'other'), 'must be unique', 'spec.containers[1].name'],
  ['spec.containers[0].image', '', 'is required'],
  ['spec.containers[0].imagePullPolicy', 'Sometimes', 'must be one of Always, Never, IfNotPresent'],
  ['spec.containers[0].requests', undefined, 'is required'],
  ['spec.containers[0].requests.cpu', '', 'is required'],
  ['spec.containers[0].requests.memory', 'lots', QUANTITY],
  ['spec.containers[0].limits.cpu', '-1', QUANTITY],
  ['spec.containers[0].limits.memory', '', 'is required'],
  ['spec.containers[0].environment[0].name', '', 'is required'],
  [`${PORT0}.name`, '', 'is required'],
  [`${PORT0}.name`, 'a-port-name-16ch', 'must be at most 15 characters'],
  [
    'spec.containers[1]',
    container('sidecar', 'game'),
    'must be unique within the scheduler',
    'spec.containers[1].ports[0].name',
  ],
  [`${PORT0}.protocol`, 'sctp', 'sctp is not supported: must be tcp or udp'],
  [`${PORT0}.protocol`, 'TCP', 'must be tcp or udp'],
  [`${PORT0}.port`, 0, PORT],
  [`${PORT0}.port`, 65536, PORT],
  ['portRange', { start: 40000, end: 40000 }, 'start must be less than end'],
  ['portRange.start', 0, PORT],
  ['portRange.end', 70000, PORT],
  [
    `${PORT0}.hostPortRange`,
    { start: 10, end: 20 },
    'must not be set when the scheduler has a portRange',
  ],
  ['portRange', undefined, 'is required unless every container port sets a hostPortRange'],
  ['forwarders[0].name', '', 'is required'],
  ['forwarders[0].address', '', 'is required'],
  ['forwarders[0].type', 'http', 'must be gRPC'],
  [
    'forwarders[0].options',
    { timeoutMs: 0 },
    'must be greater than 0',
    'forwarders[0].options.timeout',
  ],
  ['autoscaling.min', -1, 'must be at least 0'],
  ['autoscaling.max', -2, 'must be at least -1'],
  ['autoscaling.max', 0, 'must be at least 1, or -1 for no limit'],
  ['autoscaling.cooldown', -1, 'must be at least 0'],
  [
    'autoscaling.policy.type',
    'magic',
    'must be one of roomOccupancy, fixedBuffer, webhook, schedule, chain',
  ],
  [
    'autoscaling.policy.parameters',
    {},
    'is required when type is roomOccupancy',
    'autoscaling.policy.parameters.roomOccupancy',
  ],
  ['autoscaling.policy.parameters.roomOccupancy.readyTarget', 0, FRACTION],
  ['autoscaling.policy.parameters.roomOccupancy.readyTarget', 1, FRACTION],
  ['autoscaling.policy.parameters.roomOccupancy.downThreshold', 1.2, FRACTION],
  [
    'autoscaling.policy',
    { type: 'fixedBuffer', parameters: { roomOccupancy: { readyTarget: 0.5 } } },
    'is required when type is fixedBuffer',
    'autoscaling.policy.parameters.fixedBuffer',
  ],
  [
    'autoscaling.policy.parameters.fixedBuffer',
    { amount: 0 },
    'must be greater than 0',
    'autoscaling.policy.parameters.fixedBuffer.amount',
  ],
];

describe('validateScheduler', () => {
  it.each(rules)('reports one problem when %s is %j', (path, value, message, field = path) => {
    expect(problemsOf(withValue(path, value))).toEqual([{ field, message }]);
  });

  it('reports the missing hostPortRange of each port when only some ports set one', () => {
    const base = withValue('portRange', undefined) as object;
    const ranged = withValue(`${PORT0}.hostPortRange`, { start: 10, end: 20 }, base) as object;
    const input = withValue('spec.containers[1]', container('sidecar', 'admin'), ranged);

    expect(problemsOf(input)).toEqual([
      {
        field: 'spec.containers[1].ports[0].hostPortRange',
        message: 'is required on every port when portRange is not set',
      },
    ]);
  });

  it('reports every problem at once, Maestro-style, when many rules are broken', () => {
    const input = { ...candidate(), name: 'Bad Name', game: '', roomsReplicas: -2, maxSurge: '0' };

    const error = (() => {
      try {
        validateScheduler(input);
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();

    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: ErrorCode.INVALID_ARGUMENT });
    expect((error as Error).message).toBe(
      [
        'Validation Error:',
        `name: ${RFC_1123}`,
        'game: is required',
        `maxSurge: ${MAX_SURGE}`,
        'roomsReplicas: must be at least 0',
      ].join('\n'),
    );
  });

  it('reports each missing field when the body is empty', () => {
    expect(problemsOf({}).map((p) => `${p.field}: ${p.message}`)).toEqual([
      'name: is required',
      'game: is required',
      'spec: is required',
      'maxSurge: is required',
      'roomsReplicas: is required',
    ]);
  });

  it('fills in every default when optional fields are absent', () => {
    const scheduler = validateScheduler(candidate());

    expect(scheduler.state).toBe('creating');
    expect(scheduler.spec).toMatchObject({ version: 'v1.0.0', restartPolicy: 'Never' });
    expect(scheduler.spec).toMatchObject({ toleration: '', affinity: '' });
    expect(scheduler.matchAllocation).toEqual({ maxMatches: 1 });
    expect(scheduler.forwarders[0]?.options).toEqual({ timeoutMs: 1000, metadata: {} });
    expect(scheduler.autoscaling?.cooldown).toBe(0);
    expect(scheduler.autoscaling?.policy.parameters.roomOccupancy?.downThreshold).toBe(0.99);
    expect(scheduler).toMatchObject({ annotations: {}, labels: {} });
  });

  it('accepts the boundaries when values sit exactly on them', () => {
    for (const [path, value] of [
      ['maxSurge', '100%'],
      ['maxSurge', '1'],
      ['autoscaling.max', -1],
      ['matchAllocation', { maxMatches: 35 }],
      ['spec.restartPolicy', 'OnFailure'],
      [`${PORT0}.protocol`, 'tcp'],
      ['spec.containers[0].limits.memory', '1.5e9'],
    ] as const)
      expect(problemsOf(withValue(path, value))).toEqual([]);
  });

  it('accepts per-port host ranges when the scheduler has no portRange', () => {
    const base = withValue('portRange', undefined) as object;
    expect(problemsOf(withValue(`${PORT0}.hostPortRange`, { start: 1, end: 2 }, base))).toEqual([]);
  });

  it('returns the same scheduler when it validates its own output', () => {
    const once = validateScheduler({ ...candidate(), unknownField: 1 });

    expect(once).not.toHaveProperty('unknownField');
    expect(validateScheduler(once)).toEqual(once);
  });
});

describe('validateScheduler with NUL characters', () => {
  it('names every value and key holding U+0000, which PostgreSQL cannot store', () => {
    const input = withValue('spec.containers[0].environment[0].value', 'a\u0000b') as Record<
      string,
      unknown
    >;
    input['annotations'] = { 'bad\u0000key': 'x' };

    expect(problemsOf(input)).toEqual([
      {
        field: 'spec.containers[0].environment[0].value',
        message: 'must not contain NUL characters',
      },
      { field: 'annotations.bad\u0000key', message: 'must not contain NUL characters' },
    ]);
  });
});

describe('validateScheduler with a long game', () => {
  it('refuses a game over 255 characters, which the PostgreSQL index could not hold', () => {
    expect(problemsOf(withValue('game', 'é'.repeat(256)))).toEqual([
      { field: 'game', message: 'must be at most 255 characters' },
    ]);
    expect(problemsOf(withValue('game', 'é'.repeat(255)))).toEqual([]);
  });
});
