/**
 * Maps the scheduler domain to the response messages of `api.v1` (messages.proto), ready for
 * `toJson` or grpc-js. Pure.
 */
import { create } from '@bufbuild/protobuf';
import { durationFromMs, timestampFromDate } from '@bufbuild/protobuf/wkt';
import type {
  Scheduler as ProtoScheduler,
  SchedulerInfo,
  SchedulerVersion,
  SchedulerWithoutSpec,
} from '../../gen/api/v1/messages_pb';
import {
  SchedulerInfoSchema,
  SchedulerSchema,
  SchedulerVersionSchema,
  SchedulerWithoutSpecSchema,
} from '../../gen/api/v1/messages_pb';
import type { Scheduler } from '../../domain/scheduler/scheduler';
import type { RoomStatusCounts } from '../../ports/room-counter';
import type { SchedulerVersionSummary } from '../../ports/scheduler-store';

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
