import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { OperationSummary } from '../../domain/operations/operation';
import type { OperationOutcomes } from '../../ports/operation-outcomes';
import { operationFinishedSignal, schedulerWorkflowId } from '../../../workflows/messages';

/**
 * Tells the scheduler workflow by a signal sent through the Temporal client: the call returns once
 * the server has recorded the signal in the scheduler's history (a query of the scheduler answers
 * only after it is applied). A scheduler workflow that is closed or gone is not told.
 */
export class TemporalOperationOutcomes implements OperationOutcomes {
  constructor(private readonly client: Client) {}

  async tell(summary: OperationSummary): Promise<void> {
    try {
      await this.client.workflow
        .getHandle(schedulerWorkflowId(summary.schedulerName))
        .signal(operationFinishedSignal, summary);
    } catch (error) {
      if (!(error instanceof WorkflowNotFoundError)) throw error;
    }
  }
}
