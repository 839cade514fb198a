import { ApplicationFailure, heartbeat } from '@temporalio/activity';
import { DomainError, NON_RETRYABLE_ERROR_CODES } from '../src/domain/errors';

/**
 * Wraps every activity so a `DomainError` reaches the workflow as an `ApplicationFailure` whose
 * type is its code, non-retryable when retrying cannot help (invalid input, not found…). Other
 * errors (network, timeouts) stay retryable. While an activity runs it heartbeats, so a worker that
 * dies is noticed within the heartbeat timeout and a cancellation reaches the activity.
 */
/**
 * Well under the workflows' heartbeat timeout (5 s for operation steps); the SDK sends at most one
 * heartbeat per 80 % of that timeout, so calling more often costs no more actions.
 */
const HEARTBEAT_INTERVAL_MS = 1_000;

export function withDomainFailures<
  T extends Record<string, (...args: never[]) => Promise<unknown>>,
>(activities: T): T {
  return Object.fromEntries(
    Object.entries(activities).map(([name, activity]) => [
      name,
      async (...args: never[]) => {
        const beat = setInterval(() => heartbeat(), HEARTBEAT_INTERVAL_MS);
        try {
          return await activity(...args);
        } catch (error) {
          throw toApplicationFailure(error);
        } finally {
          clearInterval(beat);
        }
      },
    ]),
  ) as T;
}

export function toApplicationFailure(error: unknown): unknown {
  if (!(error instanceof DomainError)) return error;
  return ApplicationFailure.create({
    message: error.message,
    type: error.code,
    nonRetryable: NON_RETRYABLE_ERROR_CODES.includes(error.code),
    cause: error,
  });
}
