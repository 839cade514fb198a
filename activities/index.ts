import type { HealthTimeouts } from '../src/domain/health/health-plan';
import type { AutoscalerState } from '../src/ports/autoscaler-state';
import type { OperationMetrics } from '../src/ports/operation-metrics';
import type { OperationOutcomes } from '../src/ports/operation-outcomes';
import type { PortAllocator } from '../src/ports/port-allocator';
import type { RoomLifecycle } from '../src/ports/room-lifecycle';
import type { RoomStore } from '../src/ports/room-store';
import type { Runtime } from '../src/ports/runtime';
import type { SchedulerCacheInvalidator } from '../src/ports/scheduler-cache';
import type { SchedulerStore } from '../src/ports/scheduler-store';
import { withDomainFailures } from './failures';
import { createHealthActivities } from './health-activities';
import { createOperationActivities } from './operation-activities';
import { createRoomActivities } from './room-activities';
import { createSchedulerActivities } from './scheduler-activities';

export interface ActivityDeps {
  schedulers: SchedulerStore;
  runtime: Runtime;
  ports: PortAllocator;
  rooms: RoomStore;
  lifecycle: RoomLifecycle;
  cacheInvalidator: SchedulerCacheInvalidator;
  /** Extra environment of a new room (its token when room authentication is on). */
  roomEnvironment: (scheduler: string, roomId: string) => Record<string, string>;
  timeouts: HealthTimeouts;
  /** How long a validation room has to report ready (each attempt). */
  validationTimeoutMs: number;
  /** How long delete_scheduler waits for the rooms to go, from its first attempt. */
  schedulerDeletionTimeoutMs: number;
  /** Where an operation tells its scheduler workflow its final status. */
  outcomes: OperationOutcomes;
  /** Counts the failed attempts of add_rooms' and remove_rooms' steps. */
  metrics: OperationMetrics;
  /** The autoscaler's memory: activity (scale to zero), webhook decisions, waiting allocations. */
  autoscaler: AutoscalerState;
  /** The clock of autoscaling schedules and idle times (tests move it); default: real time. */
  autoscalingClock?: () => Date;
}

/**
 * The operation execution worker's activities, built from their ports by the worker's composition
 * root. Domain errors become typed `ApplicationFailure`s (non-retryable when retrying cannot help).
 */
export function createActivities(deps: ActivityDeps) {
  return withDomainFailures({
    ...createSchedulerActivities(deps),
    ...createRoomActivities(deps),
    ...createHealthActivities(deps),
    ...createOperationActivities(deps),
  });
}

export type Activities = ReturnType<typeof createActivities>;
