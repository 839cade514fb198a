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
        // Retried after 1 s whatever the attempt number: a supervisor handed over after several
        // process deaths within its hourly run would otherwise wait out a grown backoff (up to 30 s).
        ApplicationFailure.create({
          message: reason,
          type: 'ProcessLeaseExpired',
          nextRetryDelay: '1 second',
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ActivityNotFoundError) return false;
      throw error;
    }
  }
}
