import { getExternalWorkflowHandle, uuid4 } from '@temporalio/workflow';
import type { OperationInput, OperationName } from '../../src/domain/operations/definitions';
import type { SchedulerFacts } from '../../src/domain/operations/operation-summary';
import { enqueueOperationSignal, schedulerWorkflowId } from '../messages';
import type { OperationContext } from './operation-executor';

/**
 * Queues another operation on the same scheduler (its workflow puts add/remove rooms in the
 * priority lane) and returns its id. It runs after the current one ends, on behalf of the same
 * actor (the one who asked for a new version asked for its switch; the system for health's).
 * `schedulerFacts` only feed its summary in the Temporal UI.
 */
export async function enqueueFollowUp<N extends OperationName>(
  { schedulerName, actor }: Pick<OperationContext, 'schedulerName' | 'actor'>,
  definitionName: N,
  input: OperationInput<N>,
  schedulerFacts?: SchedulerFacts,
): Promise<string> {
  const id = uuid4();
  await getExternalWorkflowHandle(schedulerWorkflowId(schedulerName)).signal(
    enqueueOperationSignal,
    {
      id,
      definitionName,
      input,
      createdAt: new Date().toISOString(),
      ...(actor && { actor }),
      ...(schedulerFacts && { schedulerFacts }),
    },
  );
  return id;
}
