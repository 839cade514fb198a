import type { OperationExecutor } from '.';

/**
 * Enqueued by the scheduler workflow's timer. The reconciliation itself (expired rooms, desired
 * count, autoscaling, rolling updates) is not built yet: the run records that it took no action,
 * so it stays out of the final listing.
 */
export const healthController: OperationExecutor = {
  async execute({ setInput, markNoAction }) {
    setInput({ took_action: false });
    markNoAction();
    return Promise.resolve();
  },
  async rollback() {
    return Promise.resolve();
  },
};
