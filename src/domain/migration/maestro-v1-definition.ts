/**
 * Maestro v1's stored scheduler definition, read back into ours. Maestro keeps each version as
 * YAML text (`scheduler_versions.yaml`, and the active one again in `schedulers.yaml`), written by
 * `ghodss/yaml` from its Go struct `schedulerInfo`: keys are the Go field names (`Containers`,
 * `MaxSurge`, `Requests.CPU`…), durations are integer nanoseconds, and `ghodss/yaml` reads keys
 * case-insensitively, so hand-written rows with `containers:` load in Maestro too and do here.
 * This module only reshapes; `validateScheduler` decides what is valid.
 */
import { CORE_SCHEMA, load } from 'js-yaml';

/** A Maestro v1 YAML text that is not YAML, or not a mapping at its top. */
export class MaestroV1YamlError extends Error {}

type Node = Record<string, unknown>;

const NANOSECONDS_PER_MS = 1_000_000;
/** Go's zero `time.Time`, what `LastDownscaleAt` holds until the first downscale. */
const GO_ZERO_TIME_YEAR = 1;

const isNode = (value: unknown): value is Node =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** `node[key]` as Go's encoding/json finds it: the exact key first, else any case. */
function field(node: unknown, key: string): unknown {
  if (!isNode(node)) return undefined;
  if (key in node) return node[key];
  const lower = key.toLowerCase();
  const match = Object.keys(node).find((candidate) => candidate.toLowerCase() === lower);
  return match === undefined ? undefined : node[match];
}

/** Go's nil (YAML `null`) and absent are both "not set". */
const present = (value: unknown) => (value === null ? undefined : value);
const listOf = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const mapOf = (value: unknown) => present(value) ?? {};

/** `undefined` for Go's nil pointer, else `build(value)`. */
const optional = <T>(value: unknown, build: (node: unknown) => T): T | undefined =>
  present(value) === undefined ? undefined : build(value);

function portRange(node: unknown) {
  return { start: field(node, 'Start'), end: field(node, 'End') };
}

function resources(node: unknown) {
  return { cpu: field(node, 'CPU'), memory: field(node, 'Memory') };
}

function environment(node: unknown) {
  const value = present(field(node, 'Value'));
  const valueFrom = present(field(node, 'ValueFrom'));
  return {
    name: field(node, 'Name'),
    ...(value === undefined || value === '' ? {} : { value }),
    ...(valueFrom === undefined
      ? {}
      : {
          valueFrom: {
            fieldRef: optional(field(valueFrom, 'FieldRef'), (ref) => ({
              fieldPath: field(ref, 'fieldPath'),
            })),
            secretKeyRef: optional(field(valueFrom, 'SecretKeyRef'), (ref) => ({
              name: field(ref, 'name'),
              key: field(ref, 'key'),
            })),
          },
        }),
  };
}

/** `HostPort` is a room's allocated port, not part of the definition. */
function containerPort(node: unknown) {
  return {
    name: field(node, 'Name'),
    protocol: field(node, 'Protocol'),
    port: field(node, 'Port'),
    hostPortRange: optional(field(node, 'HostPortRange'), portRange),
  };
}

function container(node: unknown) {
  return {
    name: field(node, 'Name'),
    image: field(node, 'Image'),
    imagePullPolicy: field(node, 'ImagePullPolicy'),
    command: present(field(node, 'Command')) ?? [],
    environment: listOf(field(node, 'Environment')).map(environment),
    requests: resources(field(node, 'Requests')),
    limits: resources(field(node, 'Limits')),
    ports: listOf(field(node, 'Ports')).map(containerPort),
  };
}

/** Maestro stores the API's millisecond timeout as a Go duration holding that number unchanged. */
function forwarder(node: unknown) {
  return {
    name: field(node, 'Name'),
    enable: present(field(node, 'Enabled')) ?? false,
    type: field(node, 'ForwardType'),
    address: field(node, 'Address'),
    options: optional(field(node, 'Options'), (options) => ({
      timeoutMs: field(options, 'Timeout'),
      metadata: mapOf(field(options, 'Metadata')),
    })),
  };
}

/** A zero `DownThreshold` is Go's unset value: Maestro's default (0.99) applies. */
function roomOccupancy(node: unknown) {
  const downThreshold = present(field(node, 'DownThreshold'));
  return {
    readyTarget: field(node, 'ReadyTarget'),
    ...(downThreshold === undefined || downThreshold === 0 ? {} : { downThreshold }),
  };
}

function autoscaling(node: unknown) {
  const policy = field(node, 'Policy');
  const parameters = field(policy, 'Parameters');
  return {
    enabled: present(field(node, 'Enabled')) ?? false,
    min: present(field(node, 'Min')) ?? 0,
    max: present(field(node, 'Max')) ?? 0,
    cooldown: present(field(node, 'Cooldown')) ?? 0,
    policy: {
      type: field(policy, 'Type'),
      parameters: {
        roomOccupancy: optional(field(parameters, 'RoomOccupancy'), roomOccupancy),
        fixedBuffer: optional(field(parameters, 'FixedBuffer'), (fixed) => ({
          amount: field(fixed, 'Amount'),
        })),
      },
    },
  };
}

function gracePeriodMs(value: unknown): unknown {
  return typeof value === 'number' ? value / NANOSECONDS_PER_MS : (present(value) ?? 0);
}

/** ISO timestamp of a downscale, or undefined for Go's zero time and anything unreadable. */
function downscaleAt(value: unknown): string | undefined {
  const date = value instanceof Date ? value : typeof value === 'string' ? new Date(value) : null;
  if (!date || Number.isNaN(date.getTime())) return undefined;
  return date.getUTCFullYear() <= GO_ZERO_TIME_YEAR ? undefined : date.toISOString();
}

/**
 * The definition one Maestro v1 YAML text holds, as a scheduler candidate without `name`, `game`,
 * `state` and `spec.version` (those live in the rows' columns). `restartPolicy` is absent because
 * Maestro never stored it (its rooms always ran `Never`, our default). Throws `MaestroV1YamlError`
 * when the text is not a YAML mapping.
 */
export function maestroV1Definition(yamlText: string): Record<string, unknown> {
  let info: unknown;
  try {
    info = load(yamlText, { schema: CORE_SCHEMA });
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new MaestroV1YamlError(`is not valid YAML: ${reason}`, { cause: error });
  }
  if (!isNode(info)) throw new MaestroV1YamlError('is not a YAML mapping of scheduler fields');
  return {
    spec: {
      terminationGracePeriodMs: gracePeriodMs(field(info, 'TerminationGracePeriod')),
      toleration: present(field(info, 'Toleration')) ?? '',
      affinity: present(field(info, 'Affinity')) ?? '',
      containers: listOf(field(info, 'Containers')).map(container),
    },
    portRange: optional(field(info, 'PortRange'), portRange),
    maxSurge: present(field(info, 'MaxSurge')) ?? '',
    roomsReplicas: present(field(info, 'RoomsReplicas')) ?? 0,
    autoscaling: optional(field(info, 'Autoscaling'), autoscaling),
    forwarders: listOf(field(info, 'Forwarders')).map(forwarder),
    annotations: mapOf(field(info, 'Annotations')),
    labels: mapOf(field(info, 'Labels')),
    matchAllocation: optional(field(info, 'MatchAllocation'), (allocation) => ({
      maxMatches: field(allocation, 'MaxMatches'),
    })),
    lastDownscaleAt: downscaleAt(field(info, 'LastDownscaleAt')),
  };
}

/** Our field names that Maestro's YAML spells otherwise (besides an upper-case first letter). */
const YAML_KEYS: Record<string, string> = { enable: 'Enabled', type: 'ForwardType', cpu: 'CPU' };
/** Keys under these keep their JSON tag as it is (Kubernetes-style lower camel case). */
const TAGGED_PARENTS = new Set(['fieldRef', 'secretKeyRef']);

function yamlKey(key: string, parent: string | undefined): string {
  if (parent !== undefined && TAGGED_PARENTS.has(parent)) return key;
  if (key === 'type' && parent !== 'forwarders') return 'Type';
  return YAML_KEYS[key] ?? `${key.charAt(0).toUpperCase()}${key.slice(1)}`;
}

/**
 * Where a field named by our validation (`spec.containers[0].requests.cpu`, as the API spells it)
 * sits in Maestro's YAML (`Containers[0].Requests.CPU`); `name` and `game` are columns of
 * Maestro's `schedulers` table.
 */
export function maestroV1FieldPath(apiPath: string): string {
  if (apiPath === 'name' || apiPath === 'game') return `schedulers.${apiPath} column`;
  const keys = apiPath.replace(/^spec\./, '').split('.');
  return keys
    .map((segment, index) => {
      const [key = '', ...indexes] = segment.split('[');
      const parent = index === 0 ? undefined : keys[index - 1]?.split('[')[0];
      return [yamlKey(key, parent), ...indexes].join('[');
    })
    .join('.');
}
