import type { OperationExecutor } from '.';
import { activities } from './activities';

/**
 * Deletes the scheduler's rooms and runtime space (waiting for the rooms to go), then its rows.
 * The scheduler workflow ends after it.
 */
export const deleteScheduler: OperationExecutor = {
  async execute({ schedulerName, record }) {
    await activities.deleteScheduler({ schedulerName });
    record('scheduler deleted with its rooms and runtime space');
  },
  async rollback() {
    // Deletion is idempotent and completed by a retry, not undone.
  },
};
