/**
 * fast-check arbitraries of CreateScheduler payloads that are wrong by construction: a valid
 * Maestro-style body with at least one defect that makes it invalid whatever else the run draws
 * (wrong JSON types, missing required fields, out-of-range numbers, huge strings, nested garbage,
 * plausible-looking mistakes), invalid JSON text, or (for gRPC) undecodable protobuf bytes.
 */
import fc from 'fast-check';
import {
  hugeStrings,
  missingFields,
  nestedGarbage,
  outOfRange,
  plausibleMistakes,
  wrongTypes,
  type Body,
  type Json,
} from './scheduler-defects';

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
