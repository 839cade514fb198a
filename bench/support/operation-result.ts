import { WorkflowNotFoundError, type Client } from '@temporalio/client';

/**
 * Waits for an operation's workflow result. The API returns the id before the scheduler workflow
 * has started the operation's workflow, so "not found" right after the call means "not yet".
 */
export async function operationResult(client: Client, operationId: string): Promise<void> {
  for (;;) {
    try {
      await client.workflow.getHandle(operationId).result();
      return;
    } catch (error) {
      if (!(error instanceof WorkflowNotFoundError)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
}
