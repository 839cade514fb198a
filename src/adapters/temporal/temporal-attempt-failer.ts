import { ActivityNotFoundError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { AttemptFailer, SupervisorAttempt } from '../../ports/process-leases';

/** Fails a dead process's activity attempt through the Temporal client, by its task token. */
export class TemporalAttemptFailer implements AttemptFailer {
  constructor(private readonly client: Client) {}

  async failAttempt(attempt: SupervisorAttempt, reason: string): Promise<boolean> {
    try {
      await this.client.activity.fail(
        Buffer.from(attempt.taskToken, 'base64'),
        ApplicationFailure.retryable(reason, 'ProcessLeaseExpired'),
      );
      return true;
    } catch (error) {
      if (error instanceof ActivityNotFoundError) return false;
      throw error;
    }
  }
}
