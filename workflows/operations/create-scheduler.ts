import type { OperationName } from '../../src/domain/operations/definitions';
import { activityProxy } from './activity-proxies';
import type { OperationExecutor } from './operation-executor';

/** Creates the scheduler's runtime space and marks it in sync; rollback removes the scheduler. */
export const createScheduler: OperationExecutor<typeof OperationName.CREATE_SCHEDULER> = {
  async execute({ schedulerName }) {
    await activityProxy.createSchedulerSpace({ schedulerName });
  },
  async rollback({ schedulerName }) {
    await activityProxy.deleteScheduler({ schedulerName });
  },
};
