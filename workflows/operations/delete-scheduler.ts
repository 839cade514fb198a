import type { OperationName } from '../../src/domain/operations/definitions';
import { activityProxy } from './activity-proxies';
import type { OperationExecutor } from './operation-executor';

/**
 * Deletes the scheduler's rooms and runtime space (waiting for the rooms to go), then its rows.
 * The scheduler workflow ends after it.
 */
export const deleteScheduler: OperationExecutor<typeof OperationName.DELETE_SCHEDULER> = {
  async execute({ schedulerName, record }) {
    await activityProxy.deleteScheduler({ schedulerName });
    record('scheduler deleted with its rooms and runtime space');
  },
  async rollback() {
    // Deletion is idempotent and completed by a retry, not undone.
  },
};
