import { ActivityFailure, proxyActivities } from '@temporalio/workflow';

const { failWithSecret } = proxyActivities<{ failWithSecret(): Promise<void> }>({
  startToCloseTimeout: '10 seconds',
  retry: { maximumAttempts: 1 },
});

/**
 * Runs an activity that fails, then fails with the activity's own error unwrapped from its
 * ActivityFailure (as maestro's operations read an activity's reason).
 */
export async function unwrappedFailureWorkflow(): Promise<void> {
  try {
    await failWithSecret();
  } catch (error) {
    if (error instanceof ActivityFailure && error.cause) throw error.cause;
    throw error;
  }
}
