import { condition, defineQuery, setHandler } from '@temporalio/workflow';
import type { EnqueueOperationRequest } from '../../../workflows/messages';
import { enqueueOperationSignal, operationFinishedSignal } from '../../../workflows/messages';
import type { OperationSummary } from '../../../src/domain/operations/operation';

export { operationWorkflow } from '../../../workflows/operation-workflow';

/** What the stand-in scheduler workflow heard from the operation under test. */
export interface SchedulerSignals {
  enqueued: EnqueueOperationRequest[];
  finished: OperationSummary[];
}

export const schedulerSignalsQuery = defineQuery<SchedulerSignals>('schedulerSignals');

/**
 * Stands in for a scheduler workflow (same workflow id): it records the follow-up operations an
 * executor enqueues and the finish signal, and runs nothing.
 */
export async function schedulerStandInWorkflow(): Promise<void> {
  const signals: SchedulerSignals = { enqueued: [], finished: [] };
  setHandler(schedulerSignalsQuery, () => signals);
  setHandler(enqueueOperationSignal, (request) => void signals.enqueued.push(request));
  setHandler(operationFinishedSignal, (summary) => void signals.finished.push(summary));
  await condition(() => false);
}
