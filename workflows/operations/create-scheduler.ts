import type { OperationExecutor } from '.';
import { activities } from './activities';

/** Creates the scheduler's runtime space and marks it in sync; rollback removes the scheduler. */
export const createScheduler: OperationExecutor = {
  async execute({ schedulerName }) {
    await activities.createSchedulerSpace({ schedulerName });
  },
  async rollback({ schedulerName }) {
    await activities.deleteScheduler({ schedulerName });
  },
};
