import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { healthNudgeSignal, schedulerWorkflowId } from '../../../workflows/messages';
import type { HealthNudger } from '../../ports/health-nudger';

/** Nudges go to the scheduler workflow as the `healthNudge` signal (one billed action each). */
export class TemporalHealthNudger implements HealthNudger {
  constructor(private readonly client: Client) {}

  async nudge(schedulerName: string): Promise<void> {
    try {
      await this.client.workflow
        .getHandle(schedulerWorkflowId(schedulerName))
        .signal(healthNudgeSignal);
    } catch (error) {
      // No scheduler workflow (ended with its scheduler): nothing to nudge.
      if (error instanceof WorkflowNotFoundError) return;
      throw error;
    }
  }
}
