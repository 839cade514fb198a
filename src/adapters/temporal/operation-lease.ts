import type { WorkflowExecutionDescription } from '@temporalio/client';

type PendingActivity = NonNullable<
  WorkflowExecutionDescription['raw']['pendingActivities']
>[number];

/**
 * The operation activities' heartbeat timeout (workflows/operations/activity-proxies.ts), for servers
 * that do not report a pending activity's options.
 */
const DEFAULT_HEARTBEAT_TIMEOUT_MS = 5_000;

type ProtoTime = { seconds?: { toNumber(): number } | number | null; nanos?: number | null };

/** A protobuf Timestamp or Duration from Temporal's API, in milliseconds. */
function protoMs(value: ProtoTime | null | undefined): number | undefined {
  if (value?.seconds === undefined || value.seconds === null) return undefined;
  const seconds = typeof value.seconds === 'number' ? value.seconds : value.seconds.toNumber();
  return seconds * 1000 + Math.floor((value.nanos ?? 0) / 1e6);
}

/**
 * Maestro's operation lease, the time by which whoever runs the operation must show it is alive:
 * the running activity's last heartbeat (or its start, or its scheduling) plus its heartbeat
 * timeout, as RFC 3339 UTC. It moves forward while the operation runs and falls behind the clock
 * when the worker running it dies, until Temporal retries the activity elsewhere. Undefined when
 * no activity is pending (between two steps).
 */
export function operationLeaseTtl(activities: readonly PendingActivity[]): string | undefined {
  const deadlines = activities.flatMap((activity) => {
    const alive =
      protoMs(activity.lastHeartbeatTime) ??
      protoMs(activity.lastStartedTime) ??
      protoMs(activity.scheduledTime);
    const timeout =
      protoMs(activity.activityOptions?.heartbeatTimeout) ?? DEFAULT_HEARTBEAT_TIMEOUT_MS;
    return alive === undefined ? [] : [alive + timeout];
  });
  if (deadlines.length === 0) return undefined;
  // Whole seconds, as Maestro writes it, rounded up: the lease never reads expired before
  // Temporal would time the activity out.
  const wholeSecond = Math.ceil(Math.max(...deadlines) / 1000) * 1000;
  return new Date(wholeSecond).toISOString().replace(/\.\d+Z$/, 'Z');
}
