/**
 * Maps the scheduler requests of `api.v1` (schedulers.proto, messages.proto) to the scheduler
 * domain: a create or new-version request becomes an unvalidated candidate (the use cases
 * validate). Pure. PATCH bodies: scheduler-patch-codec.ts; responses: scheduler-response-codec.ts.
 */
import { durationMs } from '@bufbuild/protobuf/wkt';
import type {
  Container as ProtoContainer,
  ContainerEnvironment as ProtoEnvironment,
  ContainerPort as ProtoPort,
  ContainerResources as ProtoResources,
  Forwarder as ProtoForwarder,
  Spec as ProtoSpec,
} from '../../gen/api/v1/messages_pb';
import type {
  CreateSchedulerRequest,
  NewSchedulerVersionRequest,
} from '../../gen/api/v1/schedulers_pb';
import { FIRST_VERSION, SchedulerState } from '../../domain/scheduler/scheduler';
import type { SchedulerCandidate } from '../../domain/scheduler/validation';
import { fromPolicy, fromScaleToZero } from './autoscaling-request-codec';

type Candidate = SchedulerCandidate;
type ContainerCandidate = Candidate['spec']['containers'][number];

export const fromResources = (resources: ProtoResources | undefined) => ({
  cpu: resources?.cpu ?? '',
  memory: resources?.memory ?? '',
});

export const fromPort = (port: ProtoPort) => ({
  name: port.name,
  protocol: port.protocol,
  port: port.port,
  hostPortRange: port.hostPortRange && {
    start: port.hostPortRange.start,
    end: port.hostPortRange.end,
  },
});

export const fromEnvironment = ({ name, value, valueFrom }: ProtoEnvironment) => ({
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

export const fromForwarder = (forwarder: ProtoForwarder) => ({
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
      // Absent stays absent: validation answers `autoscaling.min: is required` (0 is scale to zero).
      min: autoscaling.min as number,
      max: autoscaling.max,
      cooldown: autoscaling.cooldown,
      policy: fromPolicy(autoscaling.policy),
      scaleToZero: autoscaling.scaleToZero && fromScaleToZero(autoscaling.scaleToZero),
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
