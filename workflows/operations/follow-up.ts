import { getExternalWorkflowHandle, uuid4 } from '@temporalio/workflow';
import type { OperationName } from '../../src/domain/operations/definitions';
import { enqueueOperationSignal, schedulerWorkflowId } from '../messages';

/**
 * Queues another operation on the same scheduler (its workflow puts add/remove rooms in the
 * priority lane) and returns its id. It runs after the current one ends.
 */
export async function enqueueFollowUp(
  schedulerName: string,
  definitionName: OperationName,
  input: Record<string, unknown>,
): Promise<string> {
  const id = uuid4();
  await getExternalWorkflowHandle(schedulerWorkflowId(schedulerName)).signal(
    enqueueOperationSignal,
    { id, definitionName, input, createdAt: new Date().toISOString() },
  );
  return id;
}
