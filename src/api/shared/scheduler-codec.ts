/**
 * Maps the wire messages of `api.v1` (schedulers.proto, messages.proto) to the scheduler domain
 * and back. Pure: requests become unvalidated candidates or patches (the use cases validate),
 * schedulers become messages ready for `toJson` or grpc-js.
 */
import { create } from '@bufbuild/protobuf';
import { durationFromMs, durationMs, timestampFromDate } from '@bufbuild/protobuf/wkt';
import type {
  AutoscalingPolicy as ProtoPolicy,
  Container as ProtoContainer,
  ContainerEnvironment as ProtoEnvironment,
  ContainerPort as ProtoPort,
  ContainerResources as ProtoResources,
  Forwarder as ProtoForwarder,
  OptionalContainer,
  OptionalSpec,
  Scheduler as ProtoScheduler,
  SchedulerInfo,
  SchedulerVersion,
  SchedulerWithoutSpec,
  Spec as ProtoSpec,
} from '../../gen/api/v1/messages_pb';
import {
  SchedulerInfoSchema,
  SchedulerSchema,
  SchedulerVersionSchema,
  SchedulerWithoutSpecSchema,
} from '../../gen/api/v1/messages_pb';
import type {
  CreateSchedulerRequest,
  NewSchedulerVersionRequest,
  PatchSchedulerRequest,
} from '../../gen/api/v1/schedulers_pb';
import type { ContainerPatch, SchedulerPatch, SpecPatch } from '../../domain/scheduler/patch';
import { FIRST_VERSION, SchedulerState } from '../../domain/scheduler/scheduler';
import type { Scheduler } from '../../domain/scheduler/scheduler';
import type { SchedulerCandidate } from '../../domain/scheduler/validation';
import type { RoomStatusCounts } from '../../ports/room-counter';
import type { SchedulerVersionSummary } from '../../ports/scheduler-store';

type Candidate = SchedulerCandidate;
type ContainerCandidate = Candidate['spec']['containers'][number];

/** float32 fields arrive as 0.30000001192092896 over gRPC: keep the digits float32 can hold. */
const fromFloat32 = (value: number): number => Number(value.toPrecision(7));

const fromResources = (resources: ProtoResources | undefined) => ({
  cpu: resources?.cpu ?? '',
  memory: resources?.memory ?? '',
});

const fromPort = (port: ProtoPort) => ({
  name: port.name,
  protocol: port.protocol,
  port: port.port,
  hostPortRange: port.hostPortRange && {
    start: port.hostPortRange.start,
    end: port.hostPortRange.end,
  },
});

const fromEnvironment = ({ name, value, valueFrom }: ProtoEnvironment) => ({
  name,
  value,
  valueFrom: valueFrom && {
    fieldRef: valueFrom.fieldRef && { fieldPath: valueFrom.fieldRef.fieldPath },
    secretKeyRef: valueFrom.secretKeyRef && {
      name: valueFrom.secretKeyRef.name,
      key: valueFrom.secretKeyRef.key,
    },
  },
});

const fromContainer = (container: ProtoContainer): ContainerCandidate => ({
  name: container.name,
  image: container.image,
  imagePullPolicy: container.imagePullPolicy,
  command: [...container.command],
  environment: container.environment.map(fromEnvironment),
  requests: fromResources(container.requests),
  limits: fromResources(container.limits),
  ports: container.ports.map(fromPort),
});

/** The wire's `spec.version` is ignored: versions are decided by the server. */
const fromSpec = (spec: ProtoSpec | undefined): Candidate['spec'] => ({
  terminationGracePeriodMs: spec?.terminationGracePeriod
    ? durationMs(spec.terminationGracePeriod)
    : 0,
  containers: (spec?.containers ?? []).map(fromContainer),
  toleration: spec?.toleration ?? '',
  affinity: spec?.affinity ?? '',
  restartPolicy: spec?.restartPolicy || undefined,
});

const fromPolicy = (policy: ProtoPolicy | undefined) => {
  const roomOccupancy = policy?.parameters?.roomOccupancy;
  const fixedBuffer = policy?.parameters?.fixedBuffer;
  return {
    type: policy?.type ?? '',
    parameters: {
      roomOccupancy: roomOccupancy && {
        readyTarget: fromFloat32(roomOccupancy.readyTarget),
        downThreshold:
          roomOccupancy.downThreshold === undefined
            ? undefined
            : fromFloat32(roomOccupancy.downThreshold),
      },
      fixedBuffer: fixedBuffer && { amount: fixedBuffer.amount ?? 0 },
    },
  };
};

const fromForwarder = (forwarder: ProtoForwarder) => ({
  name: forwarder.name,
  enable: forwarder.enable,
  type: forwarder.type,
  address: forwarder.address,
  options: forwarder.options && {
    timeoutMs: Number(forwarder.options.timeout),
    metadata: forwarder.options.metadata ?? {},
  },
});

function fromFullRequest(request: CreateSchedulerRequest | NewSchedulerVersionRequest): Candidate {
  const { autoscaling, portRange, matchAllocation } = request;
  return {
    name: request.name,
    game: request.game,
    spec: fromSpec(request.spec),
    portRange: portRange && { start: portRange.start, end: portRange.end },
    maxSurge: request.maxSurge,
    roomsReplicas: request.roomsReplicas,
    autoscaling: autoscaling && {
      enabled: autoscaling.enabled,
      min: autoscaling.min,
      max: autoscaling.max,
      cooldown: autoscaling.cooldown,
      policy: fromPolicy(autoscaling.policy),
    },
    forwarders: request.forwarders.map(fromForwarder),
    annotations: { ...request.annotations },
    labels: { ...request.labels },
    matchAllocation: matchAllocation && { maxMatches: matchAllocation.maxMatches },
  };
}

/** POST /schedulers: a new scheduler in state `creating` at version v1.0.0 (not yet validated). */
export function fromCreateSchedulerRequest(request: CreateSchedulerRequest): SchedulerCandidate {
  const candidate = fromFullRequest(request);
  return {
    ...candidate,
    state: SchedulerState.CREATING,
    spec: { ...candidate.spec, version: FIRST_VERSION },
  };
}

/**
 * POST /schedulers/{name}: a full new definition (not yet validated). It has no `spec.version`
 * (the operation assigns one) and, unlike Maestro, no `portRange` is fine when every port sets a
 * `hostPortRange`.
 */
export function fromNewSchedulerVersionRequest(
  request: NewSchedulerVersionRequest,
): SchedulerCandidate {
  return fromFullRequest(request);
}

/**
 * The top-level fields a JSON request body names, so that an explicit `"forwarders": []`,
 * `"annotations": {}` or `"labels": {}` clears them. Protobuf cannot tell an empty list or map
 * from an absent one, so over native gRPC (no JSON body) empty means absent, as in Maestro.
 */
export interface ExplicitPatchFields {
  forwarders?: boolean;
  annotations?: boolean;
  labels?: boolean;
}

const isMap = (value: unknown) =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** Reads `ExplicitPatchFields` from a PATCH body as it was parsed from JSON (`null` is absent). */
export function explicitPatchFields(body: unknown): ExplicitPatchFields {
  if (!isMap(body)) return {};
  const fields = body as Record<string, unknown>;
  return {
    forwarders: Array.isArray(fields['forwarders']),
    annotations: isMap(fields['annotations']),
    labels: isMap(fields['labels']),
  };
}

const nonEmpty = <T>(list: readonly T[]): boolean => list.length > 0;

const fromOptionalContainer = (container: OptionalContainer): ContainerPatch => ({
  name: container.name,
  image: container.image,
  imagePullPolicy: container.imagePullPolicy,
  command: nonEmpty(container.command) ? [...container.command] : undefined,
  environment: nonEmpty(container.environment)
    ? container.environment.map(fromEnvironment)
    : undefined,
  requests: container.requests && fromResources(container.requests),
  limits: container.limits && fromResources(container.limits),
  ports: nonEmpty(container.ports) ? container.ports.map(fromPort) : undefined,
});

const fromOptionalSpec = (spec: OptionalSpec): SpecPatch => ({
  terminationGracePeriodMs: spec.terminationGracePeriod && durationMs(spec.terminationGracePeriod),
  containers: nonEmpty(spec.containers) ? spec.containers.map(fromOptionalContainer) : undefined,
  toleration: spec.toleration,
  affinity: spec.affinity,
});

const presentMap = (map: Record<string, string>, explicit: boolean | undefined) =>
  explicit || Object.keys(map).length > 0 ? { ...map } : undefined;

/**
 * PATCH /schedulers/{name}: what to change. Lists inside containers (`command`, `environment`,
 * `ports`) count as absent when empty, as in Maestro; see `ExplicitPatchFields` for the others.
 */
export function toSchedulerPatch(
  request: PatchSchedulerRequest,
  explicit: ExplicitPatchFields = {},
): SchedulerPatch {
  const { autoscaling, portRange, matchAllocation } = request;
  return {
    spec: request.spec && fromOptionalSpec(request.spec),
    portRange: portRange && { start: portRange.start, end: portRange.end },
    maxSurge: request.maxSurge,
    roomsReplicas: request.roomsReplicas,
    autoscaling: autoscaling && {
      enabled: autoscaling.enabled,
      min: autoscaling.min,
      max: autoscaling.max,
      cooldown: autoscaling.cooldown,
      policy: autoscaling.policy && fromPolicy(autoscaling.policy),
    },
    forwarders:
      explicit.forwarders || nonEmpty(request.forwarders)
        ? request.forwarders.map(fromForwarder)
        : undefined,
    annotations: presentMap(request.annotations, explicit.annotations),
    labels: presentMap(request.labels, explicit.labels),
    matchAllocation: matchAllocation && { maxMatches: matchAllocation.maxMatches },
  };
}

// --- domain → wire -------------------------------------------------------------------------

const timestampOf = (iso: string | undefined) =>
  iso ? timestampFromDate(new Date(iso)) : undefined;

const toProtoSpec = (spec: Scheduler['spec']) => ({
  version: spec.version,
  terminationGracePeriod: durationFromMs(spec.terminationGracePeriodMs),
  containers: spec.containers.map((container) => ({
    ...container,
    ports: container.ports.map((port) => ({ ...port, hostPort: 0 })),
  })),
  toleration: spec.toleration,
  affinity: spec.affinity,
  restartPolicy: spec.restartPolicy,
});

const toProtoForwarder = ({ options, ...forwarder }: Scheduler['forwarders'][number]) => ({
  ...forwarder,
  options: options && { timeout: BigInt(options.timeoutMs), metadata: options.metadata },
});

const toProtoAutoscaling = (autoscaling: NonNullable<Scheduler['autoscaling']>) => ({
  ...autoscaling,
  policy: {
    type: autoscaling.policy.type,
    parameters: { ...autoscaling.policy.parameters },
  },
});

/** GET /schedulers/{name} and the create response. */
export function toProtoScheduler(scheduler: Scheduler): ProtoScheduler {
  return create(SchedulerSchema, {
    name: scheduler.name,
    game: scheduler.game,
    state: scheduler.state,
    portRange: scheduler.portRange,
    createdAt: timestampOf(scheduler.createdAt),
    maxSurge: scheduler.maxSurge,
    roomsReplicas: scheduler.roomsReplicas,
    spec: toProtoSpec(scheduler.spec),
    autoscaling: scheduler.autoscaling && toProtoAutoscaling(scheduler.autoscaling),
    forwarders: scheduler.forwarders.map(toProtoForwarder),
    annotations: { ...scheduler.annotations },
    labels: { ...scheduler.labels },
    matchAllocation: scheduler.matchAllocation,
  });
}

/** GET /schedulers (the listing): `version` is the active version. */
export function toProtoSchedulerWithoutSpec(scheduler: Scheduler): SchedulerWithoutSpec {
  return create(SchedulerWithoutSpecSchema, {
    name: scheduler.name,
    game: scheduler.game,
    state: scheduler.state,
    version: scheduler.spec.version,
    portRange: scheduler.portRange,
    createdAt: timestampOf(scheduler.createdAt),
    maxSurge: scheduler.maxSurge,
    roomsReplicas: scheduler.roomsReplicas,
    matchAllocation: scheduler.matchAllocation,
  });
}

/**
 * GET /schedulers/info: the scheduler's static parts plus its room counts. Unlike Maestro,
 * `autoscaling.cooldown` and `matchAllocation` are filled in.
 */
export function toProtoSchedulerInfo(
  scheduler: Scheduler,
  rooms: RoomStatusCounts = { ready: 0, occupied: 0, pending: 0, terminating: 0 },
): SchedulerInfo {
  const { autoscaling } = scheduler;
  return create(SchedulerInfoSchema, {
    name: scheduler.name,
    game: scheduler.game,
    state: scheduler.state,
    roomsReplicas: scheduler.roomsReplicas,
    roomsReady: rooms.ready,
    roomsOccupied: rooms.occupied,
    roomsPending: rooms.pending,
    roomsTerminating: rooms.terminating,
    autoscaling: autoscaling && {
      enabled: autoscaling.enabled,
      min: autoscaling.min,
      max: autoscaling.max,
      cooldown: autoscaling.cooldown,
    },
    matchAllocation: scheduler.matchAllocation,
  });
}

/** GET /schedulers/{name}/versions. */
export function toProtoSchedulerVersion(summary: SchedulerVersionSummary): SchedulerVersion {
  return create(SchedulerVersionSchema, {
    version: summary.version,
    isActive: summary.isActive,
    createdAt: timestampOf(summary.createdAt),
  });
}
