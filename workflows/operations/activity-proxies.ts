import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import { NON_RETRYABLE_ERROR_CODES } from '../../src/domain/errors';

/**
 * Workflow-side stand-ins through which operation steps call the activities of
 * `activities/index.ts`: each proxy schedules the activity with its own timeouts and retries.
 * Every activity is idempotent, so Temporal retries them freely (a worker killed mid-step runs the
 * step again elsewhere).
 */

/** Steps scheduled on the activity task queue, heartbeating, for up to 2 minutes each. */
export const activityProxy = proxyActivities<Activities>({
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: '30 seconds',
  retry: {
    initialInterval: '1 second',
    maximumInterval: '30 seconds',
    nonRetryableErrorTypes: [...NON_RETRYABLE_ERROR_CODES],
  },
});

/**
 * Short steps that only touch PostgreSQL run as local activities: same idempotence, but no round
 * trip through the activity task queue (switch_active_version's latency is mostly such trips).
 */
export const localActivityProxy = proxyLocalActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: {
    initialInterval: '500 milliseconds',
    maximumInterval: '10 seconds',
    nonRetryableErrorTypes: [...NON_RETRYABLE_ERROR_CODES],
  },
});

/** Steps that wait on rooms for minutes (a validation room becoming ready), heartbeating. */
export const waitingActivityProxy = proxyActivities<Activities>({
  startToCloseTimeout: '1 hour',
  heartbeatTimeout: '30 seconds',
  retry: {
    initialInterval: '1 second',
    maximumInterval: '30 seconds',
    nonRetryableErrorTypes: [...NON_RETRYABLE_ERROR_CODES],
  },
});
