import type { OperationName } from '../../src/domain/operations/definitions';
import { waitingActivityProxy } from './activity-proxies';
import type { OperationExecutor } from './operation-executor';

/**
 * Deletes the scheduler's rooms and runtime space (waiting for the rooms to go, at most
 * MAESTRO_SCHEDULER_DELETION_TIMEOUT_MS), then its rows. The scheduler workflow ends after it.
 */
export const deleteScheduler: OperationExecutor<typeof OperationName.DELETE_SCHEDULER> = {
  async execute({ schedulerName, record }) {
    // Its wait may be long: the activity's timeout (1 hour) is above the wait's bound.
    const deletion = await waitingActivityProxy.deleteScheduler({ schedulerName });
    // Histories recorded before the activity returned anything replay with no result.
    const roomsLeft = deletion?.roomsLeft ?? 0;
    if (roomsLeft > 0) {
      record(`rooms still terminating after the deletion wait: ${roomsLeft}; left to the runtime`);
    }
    record('scheduler deleted with its rooms and runtime space');
  },
  async rollback() {
    // Deletion is idempotent and completed by a retry, not undone.
  },
};
