import type { OperationSummary } from '../src/domain/operations/operation';
import type { OperationOutcomes } from '../src/ports/operation-outcomes';

export interface OperationActivityDeps {
  outcomes: OperationOutcomes;
}

export function createOperationActivities({ outcomes }: OperationActivityDeps) {
  return {
    /**
     * Tells the operation's scheduler workflow its final status (a local activity at the end of
     * every operation, before the status is recorded as final: see `finish` in
     * workflows/operation-workflow.ts). Idempotent.
     */
    async tellSchedulerFinalStatus(input: { summary: OperationSummary }): Promise<void> {
      await outcomes.tell(input.summary);
    },
  };
}
