/**
 * PATCH /schedulers/{name}: Maestro's PatchScheduler semantics. A field present in the patch
 * replaces the stored one; containers are patched by index, field by field; autoscaling field by
 * field. The result is validated like any new definition.
 */
import { DomainError, ErrorCode } from '../errors';
import type { Scheduler } from './scheduler';
import type { SchedulerCandidate } from './validation';
import { validateScheduler } from './validation';
import { isEquivalent } from './versioning';

type ContainerCandidate = SchedulerCandidate['spec']['containers'][number];
type AutoscalingCandidate = NonNullable<SchedulerCandidate['autoscaling']>;

/** Fields of one container to replace; absent fields keep the stored value. */
export type ContainerPatch = Partial<ContainerCandidate>;

/** Spec fields to replace; PATCH cannot change `version` or `restartPolicy`. */
export interface SpecPatch {
  terminationGracePeriodMs?: number;
  /** `containers[i]` patches the stored container `i`; an index past the end appends one. */
  containers?: ContainerPatch[];
  toleration?: string;
  affinity?: string;
}

/** Autoscaling fields to replace, one by one. */
export interface AutoscalingPatch {
  enabled?: boolean;
  min?: number;
  max?: number;
  cooldown?: number;
  /** Replaced whole. */
  policy?: AutoscalingCandidate['policy'];
  /** Replaced whole (absent durations take their defaults). */
  scaleToZero?: AutoscalingCandidate['scaleToZero'];
}

/**
 * A partial scheduler definition: every absent (`undefined`) field keeps its stored value. Lists
 * and maps (`forwarders`, `annotations`, `labels`, a container's `command`, `environment` and
 * `ports`) are replaced whole when present, so `forwarders: []` removes every forwarder.
 */
export interface SchedulerPatch {
  spec?: SpecPatch;
  portRange?: SchedulerCandidate['portRange'];
  maxSurge?: string;
  roomsReplicas?: number;
  /** Applied onto the stored autoscaling, or onto zero values when there is none. */
  autoscaling?: AutoscalingPatch;
  forwarders?: SchedulerCandidate['forwarders'];
  annotations?: Record<string, string>;
  labels?: Record<string, string>;
  matchAllocation?: SchedulerCandidate['matchAllocation'];
}

/** The patch leaves the scheduler as it is (Maestro answers 409 to an empty patch). */
export class SchedulerUnchangedError extends DomainError {
  constructor(readonly scheduler: string) {
    super(ErrorCode.CONFLICT, `no change found to scheduler ${scheduler}`);
  }
}

/** Go's zero-valued container, which Maestro patches when the index is past the end. */
const EMPTY_CONTAINER: ContainerCandidate = {
  name: '',
  image: '',
  imagePullPolicy: '',
  requests: { cpu: '', memory: '' },
  limits: { cpu: '', memory: '' },
};

const EMPTY_AUTOSCALING: AutoscalingCandidate = {
  enabled: false,
  min: 0,
  max: 0,
  cooldown: 0,
  policy: { type: '', parameters: {} },
};

function patchContainer(stored: ContainerCandidate, patch: ContainerPatch): ContainerCandidate {
  return {
    name: patch.name ?? stored.name,
    image: patch.image ?? stored.image,
    imagePullPolicy: patch.imagePullPolicy ?? stored.imagePullPolicy,
    command: patch.command ?? stored.command,
    environment: patch.environment ?? stored.environment,
    requests: patch.requests ?? stored.requests,
    limits: patch.limits ?? stored.limits,
    ports: patch.ports ?? stored.ports,
  };
}

function patchContainers(
  stored: readonly ContainerCandidate[],
  patches: readonly ContainerPatch[],
): ContainerCandidate[] {
  const containers = [...stored];
  patches.forEach((patch, i) => {
    containers[i] = patchContainer(containers[i] ?? EMPTY_CONTAINER, patch);
  });
  return containers;
}

function patchSpec(stored: Scheduler['spec'], patch: SpecPatch): SchedulerCandidate['spec'] {
  return {
    ...stored,
    terminationGracePeriodMs: patch.terminationGracePeriodMs ?? stored.terminationGracePeriodMs,
    containers: patch.containers
      ? patchContainers(stored.containers, patch.containers)
      : stored.containers,
    toleration: patch.toleration ?? stored.toleration,
    affinity: patch.affinity ?? stored.affinity,
  };
}

function patchAutoscaling(
  stored: AutoscalingCandidate = EMPTY_AUTOSCALING,
  patch: AutoscalingPatch,
): AutoscalingCandidate {
  const min = patch.min ?? stored.min;
  // Raising min above 0 ends scale to zero: its settings go with it (a patch cannot clear them).
  const scaleToZero = patch.scaleToZero ?? (min === 0 ? stored.scaleToZero : undefined);
  return {
    enabled: patch.enabled ?? stored.enabled,
    min,
    max: patch.max ?? stored.max,
    cooldown: patch.cooldown ?? stored.cooldown,
    policy: patch.policy ?? stored.policy,
    ...(scaleToZero !== undefined && { scaleToZero }),
  };
}

/**
 * `current` with `patch` applied and validated. Throws `SchedulerValidationError` when the result
 * breaks a rule, and `SchedulerUnchangedError` (CONFLICT) when it equals `current`.
 */
export function applySchedulerPatch(current: Scheduler, patch: SchedulerPatch): Scheduler {
  const patched = validateScheduler({
    ...current,
    spec: patch.spec ? patchSpec(current.spec, patch.spec) : current.spec,
    portRange: patch.portRange ?? current.portRange,
    maxSurge: patch.maxSurge ?? current.maxSurge,
    roomsReplicas: patch.roomsReplicas ?? current.roomsReplicas,
    autoscaling: patch.autoscaling
      ? patchAutoscaling(current.autoscaling, patch.autoscaling)
      : current.autoscaling,
    forwarders: patch.forwarders ?? current.forwarders,
    annotations: patch.annotations ?? current.annotations,
    labels: patch.labels ?? current.labels,
    matchAllocation: patch.matchAllocation ?? current.matchAllocation,
  } satisfies SchedulerCandidate);
  if (isEquivalent(patched, current)) throw new SchedulerUnchangedError(current.name);
  return patched;
}
