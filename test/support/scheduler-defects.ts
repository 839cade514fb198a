/**
 * Defects that make a valid CreateScheduler body invalid whatever else a run draws, by kind: wrong
 * JSON types, missing required fields, out-of-range numbers, huge strings, nested garbage and
 * plausible-looking mistakes. scheduler-fuzz.ts applies them to valid bodies.
 */
import fc from 'fast-check';

export type Json = unknown;
export type Body = Record<string, Json>;
/** Changes a body in place. */
export type Defect = (body: Body) => void;

/** Sets (or, for `undefined`, deletes) the value at a dotted path such as `spec.containers.0.name`. */
function setAt(body: Body, path: string, value: Json): void {
  const keys = path.split('.');
  let node: Record<string, Json> = body;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== 'object' || next === null) return;
    node = next as Record<string, Json>;
  }
  const last = keys.at(-1)!;
  if (value === undefined) delete node[last];
  else node[last] = value;
}

const C = 'spec.containers.0';
const letters = fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz'), minLength: 1 });
const nonString = fc.oneof(fc.integer(), fc.boolean(), fc.constant({}), fc.array(fc.integer()));
const nonInteger = fc.oneof(
  letters.filter((s) => !['e', 'infinity', 'nan'].includes(s)),
  fc.double({ noInteger: true, noDefaultInfinity: true, noNaN: true }),
  fc.boolean(),
  fc.constant({ value: 1 }),
  fc.array(fc.integer(), { minLength: 1 }),
  fc.oneof(
    fc.integer({ min: 2 ** 31, max: 2 ** 50 }),
    fc.integer({ min: -(2 ** 50), max: -(2 ** 31) - 1 }),
  ),
);
const nonList = fc.oneof(fc.string(), fc.integer(), fc.constant({ a: 1 }), fc.boolean());
const nonObject = fc.oneof(
  fc.string(),
  fc.integer(),
  fc.boolean(),
  fc.array(fc.integer(), { minLength: 1 }),
);

const set = (path: string, value: fc.Arbitrary<Json>): fc.Arbitrary<Defect> =>
  value.map((v) => (body: Body) => setAt(body, path, v));
const remove =
  (path: string): Defect =>
  (body) =>
    setAt(body, path, undefined);

export const wrongTypes: fc.Arbitrary<Defect> = fc.oneof(
  ...[
    'name',
    'game',
    'maxSurge',
    `${C}.image`,
    `${C}.imagePullPolicy`,
    `${C}.ports.0.protocol`,
  ].map((path) => set(path, nonString)),
  ...[
    'roomsReplicas',
    `${C}.ports.0.port`,
    'portRange.start',
    'matchAllocation.maxMatches',
    'autoscaling.min',
  ].map((path) => set(path, nonInteger)),
  ...['autoscaling.enabled', 'forwarders.0.enable'].map((path) =>
    set(
      path,
      nonString.filter((v) => typeof v !== 'boolean'),
    ),
  ),
  ...[`${C}.command`, `${C}.environment`, `${C}.ports`, 'forwarders', 'spec.containers'].map(
    (path) => set(path, nonList),
  ),
  ...['annotations', 'labels'].map((path) =>
    set(
      path,
      fc.oneof(fc.array(fc.string(), { minLength: 1 }), fc.integer(), fc.constant({ key: 7 })),
    ),
  ),
  set('spec.terminationGracePeriod', fc.oneof(fc.integer(), letters, fc.constant({ seconds: 5 }))),
  set(
    'forwarders.0.options.timeout',
    fc.oneof(letters, fc.constant(1.5), fc.constant('99999999999999999999')),
  ),
  set('forwarders.0.options.metadata', fc.oneof(fc.string(), fc.integer(), fc.array(fc.integer()))),
  set(`${C}.command.0`, fc.oneof(fc.integer(), fc.constant(null), fc.constant({}))),
);

export const missingFields: fc.Arbitrary<Defect> = fc
  .constantFrom(
    ...[
      'name',
      'game',
      'maxSurge',
      'spec',
      'portRange',
      'spec.terminationGracePeriod',
      'spec.containers',
    ],
    ...['name', 'image', 'imagePullPolicy', 'requests', 'limits'].map((field) => `${C}.${field}`),
    ...['name', 'protocol', 'port'].map((field) => `${C}.ports.0.${field}`),
    ...['forwarders.0.name', 'forwarders.0.type', 'forwarders.0.address', 'autoscaling.min'],
  )
  .map(remove);

const int32 = (min: number, max: number) => fc.integer({ min, max });
export const outOfRange: fc.Arbitrary<Defect> = fc.oneof(
  set('roomsReplicas', int32(-(2 ** 31), -1)),
  set(`${C}.ports.0.port`, fc.oneof(int32(-(2 ** 31), 0), int32(65536, 2 ** 31 - 1))),
  set(
    'portRange',
    fc.tuple(int32(1, 65535), int32(0, 100)).map(([start, d]) => ({ start, end: start - d })),
  ),
  set('portRange.start', fc.constant(0)),
  set('matchAllocation.maxMatches', fc.oneof(int32(-100, 0), int32(36, 2 ** 31 - 1))),
  set('autoscaling.min', int32(-(2 ** 31), -1)), // 0 is valid: a scheduler that scales to zero
  set('autoscaling.max', int32(-(2 ** 31), -2)),
  set(
    'autoscaling.policy.parameters.roomOccupancy.readyTarget',
    fc.oneof(
      fc.constant(0),
      fc.double({ min: 1, max: 3e38, noNaN: true }),
      fc.double({ min: -3e38, max: 0, noNaN: true }),
    ),
  ),
  set(
    'forwarders.0.options.timeout',
    fc.oneof(fc.constant('0'), fc.bigInt({ min: -(2n ** 63n), max: 0n }).map(String)),
  ),
  set('spec.terminationGracePeriod', fc.constantFrom('0s', '-5s', '-0.5s')),
  set('roomsReplicas', fc.oneof(int32(2 ** 31, 2 ** 52), fc.constant(1e300))),
  set('autoscaling.policy.parameters.roomOccupancy.readyTarget', fc.constant(1e39)),
);

const longString = (min: number, max: number) =>
  fc
    .integer({ min, max })
    .chain((length) => fc.constantFrom('a', 'z', '9').map((c) => c.repeat(length)));
export const hugeStrings: fc.Arbitrary<Defect> = fc.oneof(
  set('name', longString(64, 100_000)),
  set(`${C}.name`, longString(64, 50_000)),
  set(`${C}.ports.0.name`, longString(16, 50_000)),
  set(`${C}.imagePullPolicy`, fc.string({ minLength: 1000, maxLength: 20_000 })),
  set(`${C}.ports.0.protocol`, longString(5_000, 60_000)),
  set('forwarders.0.type', fc.string({ minLength: 5_000, maxLength: 20_000 })),
);

const garbage = fc.anything({ maxDepth: 4, maxKeys: 6, withNullPrototype: false });
export const nestedGarbage: fc.Arbitrary<Defect> = fc.oneof(
  set('spec', garbage),
  set('spec.containers', garbage),
  set(`${C}`, garbage),
  set(
    'autoscaling',
    garbage.filter((v) => v !== null && v !== undefined),
  ),
  set('portRange', nonObject),
  set(`${C}.ports.0`, fc.oneof(nonObject, fc.constant(null))),
);

export const plausibleMistakes: fc.Arbitrary<Defect> = fc.oneof(
  set('name', fc.constantFrom('Tennis', 'tennis_eu', '-tennis', 'tennis-', 'ténnis', 'a.b', '')),
  set(`${C}.ports.0.protocol`, fc.constantFrom('sctp', 'TCP', 'http', '')),
  set(`${C}.imagePullPolicy`, fc.constantFrom('always', 'Sometimes', '')),
  set('maxSurge', fc.constantFrom('0', '0%', '101%', '-1', '10.5%', 'ten', '', '%', ' 5')),
  set('spec.restartPolicy', fc.constantFrom('Sometimes', 'never', 'always')),
  set('forwarders.0.type', fc.constantFrom('grpc', 'http', '')),
  set('autoscaling.policy.type', fc.constantFrom('roomoccupancy', 'cpu', '')),
  set('autoscaling.policy.parameters', fc.constant({})),
  set(
    'autoscaling',
    fc.constant({
      enabled: true,
      min: 5,
      max: 2,
      policy: { type: 'fixedBuffer', parameters: { fixedBuffer: { amount: 1 } } },
    }),
  ),
  set(`${C}.requests.cpu`, fc.constantFrom('10 cores', 'abc', '', '1.2.3', '-1')),
  set(`${C}.environment.0.name`, fc.constant('')),
  // invalid even when another defect removes portRange: start must be below end
  set(`${C}.ports.0.hostPortRange`, fc.constant({ start: 40010, end: 40000 })),
  // the two below are no-ops only when an earlier defect already replaced what they repeat
  fc.constant<Defect>((body) => {
    const containers = (body['spec'] as { containers?: Json } | undefined)?.containers;
    if (Array.isArray(containers))
      body['spec'] = { ...(body['spec'] as Body), containers: [containers[0], containers[0]] };
  }),
  fc.constant<Defect>((body) => {
    const containers = (body['spec'] as { containers?: Json } | undefined)?.containers;
    const first: unknown = Array.isArray(containers) ? containers[0] : undefined;
    const ports =
      typeof first === 'object' && first !== null ? (first as Body)['ports'] : undefined;
    if (Array.isArray(ports)) (first as Body)['ports'] = [ports[0], ports[0]];
  }),
);
