/**
 * fast-check arbitraries of CreateScheduler payloads that are wrong by construction: a valid
 * Maestro-style body with at least one defect that makes it invalid whatever else the run draws
 * (wrong JSON types, missing required fields, out-of-range numbers, huge strings, nested garbage,
 * plausible-looking mistakes), invalid JSON text, or (for gRPC) undecodable protobuf bytes.
 */
import fc from 'fast-check';

type Json = unknown;
type Body = Record<string, Json>;
type Defect = (body: Body) => void;

/** A valid CreateScheduler body (lowerCamelCase) that the server would accept. */
export function validBody(name: string): Body {
  return {
    name,
    game: 'fuzz',
    maxSurge: '25%',
    roomsReplicas: 1,
    portRange: { start: 30000, end: 30100 },
    spec: {
      terminationGracePeriod: '30s',
      restartPolicy: 'Never',
      containers: [
        {
          name: 'game',
          image: 'registry.example.com/game:1.0',
          imagePullPolicy: 'IfNotPresent',
          command: ['./server'],
          environment: [{ name: 'MODE', value: 'ranked' }],
          requests: { cpu: '100m', memory: '64Mi' },
          limits: { cpu: '500m', memory: '512Mi' },
          ports: [{ name: 'game', protocol: 'udp', port: 7000 }],
        },
      ],
    },
    autoscaling: {
      enabled: true,
      min: 1,
      max: 10,
      cooldown: 30,
      policy: { type: 'roomOccupancy', parameters: { roomOccupancy: { readyTarget: 0.5 } } },
    },
    forwarders: [
      { name: 'mm', enable: true, type: 'gRPC', address: 'mm:9000', options: { timeout: '500' } },
    ],
    annotations: { owner: 'fuzz' },
    labels: { tier: 'test' },
    matchAllocation: { maxMatches: 2 },
  };
}

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

const wrongTypes: fc.Arbitrary<Defect> = fc.oneof(
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

const missingFields: fc.Arbitrary<Defect> = fc
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
const outOfRange: fc.Arbitrary<Defect> = fc.oneof(
  set('roomsReplicas', int32(-(2 ** 31), -1)),
  set(`${C}.ports.0.port`, fc.oneof(int32(-(2 ** 31), 0), int32(65536, 2 ** 31 - 1))),
  set(
    'portRange',
    fc.tuple(int32(1, 65535), int32(0, 100)).map(([start, d]) => ({ start, end: start - d })),
  ),
  set('portRange.start', fc.constant(0)),
  set('matchAllocation.maxMatches', fc.oneof(int32(-100, 0), int32(36, 2 ** 31 - 1))),
  set('autoscaling.min', int32(-(2 ** 31), 0)),
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
const hugeStrings: fc.Arbitrary<Defect> = fc.oneof(
  set('name', longString(64, 100_000)),
  set(`${C}.name`, longString(64, 50_000)),
  set(`${C}.ports.0.name`, longString(16, 50_000)),
  set(`${C}.imagePullPolicy`, fc.string({ minLength: 1000, maxLength: 20_000 })),
  set(`${C}.ports.0.protocol`, longString(5_000, 60_000)),
  set('forwarders.0.type', fc.string({ minLength: 5_000, maxLength: 20_000 })),
);

const garbage = fc.anything({ maxDepth: 4, maxKeys: 6, withNullPrototype: false });
const nestedGarbage: fc.Arbitrary<Defect> = fc.oneof(
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

const plausibleMistakes: fc.Arbitrary<Defect> = fc.oneof(
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

const SNAKE_CASE_EXEMPT = new Set(['annotations', 'labels', 'metadata']);

/** Maestro clients may send proto names: every key in snake_case, map keys untouched. */
function toSnakeCase(value: Json): Json {
  if (Array.isArray(value)) return value.map(toSnakeCase);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [
      key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`),
      SNAKE_CASE_EXEMPT.has(key) ? item : toSnakeCase(item),
    ]),
  );
}

/** A body with one to three defects, in either naming style. */
export const defectiveBody = (name: string): fc.Arbitrary<Body> =>
  fc
    .record({
      defects: fc.array(
        fc.oneof(
          wrongTypes,
          missingFields,
          outOfRange,
          hugeStrings,
          nestedGarbage,
          plausibleMistakes,
        ),
        {
          minLength: 1,
          maxLength: 3,
        },
      ),
      isSnakeCase: fc.boolean(),
    })
    .map(({ defects, isSnakeCase }) => {
      const body = validBody(name);
      for (const defect of defects) defect(body);
      return (isSnakeCase ? toSnakeCase(body) : body) as Body;
    });

/** Request bodies that are not a JSON object: broken JSON text, other JSON values, binary junk. */
export const malformedText = (name: string): fc.Arbitrary<string | Uint8Array> =>
  fc.oneof(
    // a valid body cut short: every proper prefix of a JSON object is invalid JSON
    fc.nat().map((n) => {
      const text = JSON.stringify(validBody(name));
      return text.slice(0, 1 + (n % (text.length - 1)));
    }),
    fc.string({ maxLength: 200 }),
    fc.json().filter((text) => !text.trimStart().startsWith('{')),
    fc.uint8Array({ minLength: 1, maxLength: 300 }),
    fc.constantFrom(
      '{"name": "x",}',
      "{'name': 'x'}",
      '{"name": "x"',
      'null',
      '[]',
      '{"spec": {"containers": [}}',
    ),
  );

/** Bytes a protobuf decoder must reject, appended to an otherwise decodable request. */
export const undecodableSuffix: fc.Arbitrary<readonly number[]> = fc.oneof(
  // a string field (name=1, game=2, max_surge=5) holding invalid UTF-8
  fc.constantFrom(0x0a, 0x12, 0x2a).map((tag) => [tag, 0x02, 0xc3, 0x28]),
  // a length-delimited field (spec=3, port_range=4) longer than what follows
  fc
    .constantFrom(0x1a, 0x22)
    .chain((tag) => fc.integer({ min: 5, max: 120 }).map((length) => [tag, length, 0x0a])),
  // a tag with field number 0, or with wire type 7
  fc.constantFrom([0x00, 0x01], [0x0f, 0x01], [0x07]),
);
