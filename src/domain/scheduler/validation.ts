/**
 * The rules a scheduler definition must follow (Maestro's `validations.go` and entity tags, plus
 * the fixes listed in docs/schedulers.md) and the defaults it gets. Every problem is reported at
 * once, each with the JSON path the API user wrote.
 */
import { z } from 'zod';
import { autoscalingSchema } from '../autoscaling/policy-validation';
import { ForwarderType, SchedulerState } from './scheduler';
import type { Scheduler } from './scheduler';
import { ImagePullPolicy, PortProtocol, RestartPolicy } from './spec';
import {
  SCHEDULER_DEFAULTS,
  SchedulerValidationError,
  acrossFields,
  addIssue,
  fieldPath,
  integer,
  positive,
  typeProblem,
} from './validation-rules';

export {
  SCHEDULER_DEFAULTS,
  SchedulerValidationError,
  acrossFields,
  fieldPath,
  fixedBufferParametersSchema,
  roomOccupancyParametersSchema,
  typeProblem,
  type ValidationProblem,
} from './validation-rules';

/** The longest game name, in characters. */
export const MAX_GAME_LENGTH = 255;

const RFC_1123 = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
const SEMVER = /^v?\d+(\.\d+){0,2}(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;
const QUANTITY = /^(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+|[KMGTPE]i|[numkMGTPE])?$/;

/** A string rule: a test and the message naming it. */
type Rule = readonly [test: (value: string) => boolean, message: string];

/** A required string reporting only the first rule it breaks. */
const text = (...rules: Rule[]) =>
  z.string().superRefine((value, ctx) => {
    const broken = [nonEmpty, ...rules].find(([test]) => !test(value));
    if (broken) addIssue(ctx, [], broken[1]);
  });
const nonEmpty: Rule = [(value) => value.length > 0, 'is required'];
const atMost = (length: number): Rule => [
  (value) => value.length <= length,
  `must be at most ${length} characters`,
];
const matches = (pattern: RegExp, message: string): Rule => [
  (value) => pattern.test(value),
  message,
];

const between = (min: number, max: number) => {
  const error = `must be between ${min} and ${max}`;
  return integer().min(min, { error }).max(max, { error });
};
const oneOf = <const T extends Record<string, string>>(values: T) =>
  z.string().pipe(z.enum(values, { error: `must be one of ${Object.values(values).join(', ')}` }));
const rfc1123Name = () =>
  text(
    atMost(63),
    matches(
      RFC_1123,
      'must contain only lowercase letters, digits and "-", and start and end with a letter or digit (RFC 1123)',
    ),
  );
const quantity = () =>
  text(matches(QUANTITY, 'must be a Kubernetes quantity such as 100m, 0.5 or 512Mi'));

function isMaxSurge(value: string): boolean {
  const match = /^(\d+)(%?)$/.exec(value);
  if (!match) return false;
  const amount = Number(match[1]);
  return match[2] === '%' ? amount >= 1 && amount <= 100 : amount >= 1;
}

const portRangeSchema = z
  .object({ start: between(1, 65535), end: between(1, 65535) })
  .refine((range) => range.start < range.end, { error: 'start must be less than end' });

const protocolSchema = z.string().pipe(
  z.enum([PortProtocol.TCP, PortProtocol.UDP], {
    error: (issue) =>
      issue.input === PortProtocol.SCTP
        ? 'sctp is not supported: must be tcp or udp'
        : 'must be tcp or udp',
  }),
);

const portSchema = z.object({
  name: text(atMost(15)),
  protocol: protocolSchema,
  port: between(1, 65535),
  hostPortRange: portRangeSchema.optional(),
});

const resourcesSchema = z.object({ cpu: quantity(), memory: quantity() });

const containerSchema = z.object({
  name: rfc1123Name(),
  image: text(),
  imagePullPolicy: oneOf(ImagePullPolicy),
  command: z.array(z.string()).default(() => []),
  environment: z
    .array(
      z.object({
        name: text(),
        value: z.string().optional(),
        valueFrom: z
          .object({
            fieldRef: z.object({ fieldPath: z.string() }).optional(),
            secretKeyRef: z.object({ name: z.string(), key: z.string() }).optional(),
          })
          .optional(),
      }),
    )
    .default(() => []),
  requests: resourcesSchema,
  limits: resourcesSchema,
  ports: z.array(portSchema).default(() => []),
});

const specSchema = z.object({
  version: z
    .string()
    .regex(SEMVER, { error: 'must be a semantic version such as v1.0.0' })
    .default(SCHEDULER_DEFAULTS.version),
  terminationGracePeriodMs: z.number().gt(0, { error: 'must be greater than 0' }),
  containers: z.array(containerSchema).min(1, { error: 'must have at least 1 container' }),
  toleration: z.string().default(''),
  affinity: z.string().default(''),
  restartPolicy: oneOf(RestartPolicy).default(SCHEDULER_DEFAULTS.restartPolicy),
});

const forwarderSchema = z.object({
  name: text(),
  enable: z.boolean(),
  type: z.string().pipe(z.literal(ForwarderType.GRPC, { error: 'must be gRPC' })),
  address: text(),
  options: z
    .object({
      timeoutMs: positive(),
      metadata: z.record(z.string(), z.json()).default(() => ({})),
    })
    .default(() => ({ timeoutMs: SCHEDULER_DEFAULTS.forwarderTimeoutMs, metadata: {} })),
});

/** The ports of every container, for the rules that look across the whole definition. */
const portsShape = z.object({
  portRange: z.unknown().optional(),
  spec: z.object({
    containers: z.array(
      z.object({
        name: z.unknown(),
        ports: z.array(z.object({ name: z.unknown(), hostPortRange: z.unknown().optional() })),
      }),
    ),
  }),
});
type PortsShape = z.output<typeof portsShape>;

/**
 * Exactly one of the scheduler's `portRange` or a `hostPortRange` on every port; container names
 * and port names unique (Kubernetes rejects pods that repeat them).
 */
function checkPorts({ portRange, spec }: PortsShape, ctx: z.RefinementCtx): void {
  const ports = spec.containers.flatMap((container, c) =>
    container.ports.map((port, p) => ({ port, path: ['spec', 'containers', c, 'ports', p] })),
  );
  const withRange = ports.filter(({ port }) => port.hostPortRange !== undefined);
  if (portRange !== undefined) {
    for (const { path } of withRange)
      addIssue(
        ctx,
        [...path, 'hostPortRange'],
        'must not be set when the scheduler has a portRange',
      );
  } else if (withRange.length === 0) {
    addIssue(ctx, ['portRange'], 'is required unless every container port sets a hostPortRange');
  } else {
    for (const { port, path } of ports)
      if (port.hostPortRange === undefined)
        addIssue(
          ctx,
          [...path, 'hostPortRange'],
          'is required on every port when portRange is not set',
        );
  }
  const repeated = (names: unknown[], i: number) => names.indexOf(names[i]) !== i;
  const containerNames = spec.containers.map((container) => container.name);
  containerNames.forEach((_, c) => {
    if (repeated(containerNames, c))
      addIssue(ctx, ['spec', 'containers', c, 'name'], 'must be unique');
  });
  const portNames = ports.map(({ port }) => port.name);
  ports.forEach(({ path }, i) => {
    if (repeated(portNames, i))
      addIssue(ctx, [...path, 'name'], 'must be unique within the scheduler');
  });
}

const schedulerSchema = z
  .object({
    name: rfc1123Name(),
    // Indexed in PostgreSQL, whose index entries hold at most ~2700 bytes.
    game: text(atMost(MAX_GAME_LENGTH)),
    state: oneOf(SchedulerState).default(SCHEDULER_DEFAULTS.state),
    spec: specSchema,
    portRange: portRangeSchema.optional(),
    maxSurge: text([
      isMaxSurge,
      'must be an integer of at least 1 or a percentage from 1% to 100%',
    ]),
    roomsReplicas: integer().min(0, { error: 'must be at least 0' }),
    autoscaling: autoscalingSchema.optional(),
    forwarders: z.array(forwarderSchema).default(() => []),
    annotations: z.record(z.string(), z.string()).default(() => ({})),
    labels: z.record(z.string(), z.string()).default(() => ({})),
    matchAllocation: z
      .object({ maxMatches: between(1, 35) })
      .default(() => ({ maxMatches: SCHEDULER_DEFAULTS.maxMatches })),
    rollbackVersion: z.string().optional(),
    createdAt: z.iso.datetime({ offset: true }).optional(),
    lastDownscaleAt: z.iso.datetime({ offset: true }).optional(),
  })
  .superRefine(...acrossFields(portsShape, checkPorts));

/**
 * A scheduler as it arrives from a user or from storage: absent fields get their defaults and
 * enumerations are any string until validated.
 */
export type SchedulerCandidate = z.input<typeof schedulerSchema>;

/**
 * Checks `candidate` against every rule and fills in the defaults (restartPolicy `Never`,
 * matchAllocation `{maxMatches: 1}`, forwarder options `{timeoutMs: 1000, metadata: {}}`, state
 * `creating`, spec.version `v1.0.0`, downThreshold 0.99, empty lists and maps). Unknown fields are
 * dropped. Throws `SchedulerValidationError` listing every problem.
 */
export function validateScheduler(candidate: unknown): Scheduler {
  const result = schedulerSchema.safeParse(candidate, { error: typeProblem });
  const problems = result.success
    ? []
    : result.error.issues.map((issue) => ({
        field: fieldPath(issue.path),
        message: issue.message,
      }));
  problems.push(...nulCharacterProblems(candidate, []));
  if (result.success && problems.length === 0) return result.data;
  throw new SchedulerValidationError(problems);
}

/**
 * Text may not contain U+0000 anywhere (names, values, keys): PostgreSQL cannot store it, and no
 * legitimate scheduler needs it.
 */
function nulCharacterProblems(
  value: unknown,
  path: PropertyKey[],
): { field: string; message: string }[] {
  if (typeof value === 'string') {
    return value.includes('\u0000')
      ? [{ field: fieldPath(path), message: 'must not contain NUL characters' }]
      : [];
  }
  if (Array.isArray(value))
    return value.flatMap((item, index) => nulCharacterProblems(item, [...path, index]));
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, item]) => [
    ...(key.includes('\u0000')
      ? [{ field: fieldPath([...path, key]), message: 'must not contain NUL characters' }]
      : []),
    ...nulCharacterProblems(item, [...path, key]),
  ]);
}
