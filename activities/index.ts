import type { PortAllocator } from '../src/ports/port-allocator';
import type { Runtime } from '../src/ports/runtime';
import type { SchedulerStore } from '../src/ports/scheduler-store';
import { withDomainFailures } from './failures';
import { createRoomActivities } from './room-activities';
import { createSchedulerActivities } from './scheduler-activities';

export interface ActivityDeps {
  schedulers: SchedulerStore;
  runtime: Runtime;
  ports: PortAllocator;
}

/**
 * The operation execution worker's activities, built from their ports by the worker's composition
 * root. Domain errors become typed `ApplicationFailure`s (non-retryable when retrying cannot help).
 */
export function createActivities(deps: ActivityDeps) {
  return withDomainFailures({
    ...createSchedulerActivities(deps),
    ...createRoomActivities(deps),
  });
}

export type Activities = ReturnType<typeof createActivities>;
