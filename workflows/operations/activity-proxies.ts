import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import { NON_RETRYABLE_ERROR_CODES } from '../../src/domain/errors';

/**
 * Workflow-side stand-ins through which operation steps call the activities of
 * `activities/index.ts`: each proxy schedules the activity with its own timeouts and retries.
 * Every activity is idempotent, so Temporal retries them freely (a worker killed mid-step runs the
 * step again elsewhere).
 */

/**
 * Heartbeat timeout of the steps on the activity task queue: a worker that dies mid-step (SIGKILL,
 * lost node) is noticed this long after its last heartbeat, and the step retried on another
 * worker a second later. Heartbeats are billed, but only while an operation runs: a step sends one
 * per 80 % of this (the SDK's throttle), about 15 a minute.
 */
const STEP_HEARTBEAT_TIMEOUT = '5 seconds';

/** Steps scheduled on the activity task queue, heartbeating, for up to 2 minutes each. */
export const activityProxy = proxyActivities<Activities>({
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: STEP_HEARTBEAT_TIMEOUT,
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
  heartbeatTimeout: STEP_HEARTBEAT_TIMEOUT,
  retry: {
    initialInterval: '1 second',
    maximumInterval: '30 seconds',
    nonRetryableErrorTypes: [...NON_RETRYABLE_ERROR_CODES],
  },
});
