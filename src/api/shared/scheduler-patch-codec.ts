/**
 * Maps `api.v1.PatchSchedulerRequest` (PATCH /schedulers/{name}) to a `SchedulerPatch` of the
 * scheduler domain: what to change, unvalidated (the use case validates). Pure.
 */
import { durationMs } from '@bufbuild/protobuf/wkt';
import type { OptionalContainer, OptionalSpec } from '../../gen/api/v1/messages_pb';
import type { PatchSchedulerRequest } from '../../gen/api/v1/schedulers_pb';
import type { ContainerPatch, SchedulerPatch, SpecPatch } from '../../domain/scheduler/patch';
import { fromPolicy, fromScaleToZero } from './autoscaling-request-codec';
import { fromEnvironment, fromForwarder, fromPort, fromResources } from './scheduler-request-codec';

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
      scaleToZero: autoscaling.scaleToZero && fromScaleToZero(autoscaling.scaleToZero),
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
