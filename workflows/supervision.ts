import {
  continueAsNew,
  proxyActivities,
  setCurrentDetails,
  workflowInfo,
  type ActivityOptions,
} from '@temporalio/workflow';
import type { MetricsActivities } from '../activities/metrics-activities';
import {
  currentDetails,
  supervisorDetails,
  supervisorSummary,
  SupervisorRole,
} from '../src/domain/scheduler/scheduler-workflow-summary';
import type { SupervisionOutcome } from '../activities/supervision';
import type { WatcherActivities } from '../activities/watcher-activities';

/** Workflow ids of a scheduler's supervisors (its children on their own task queues). */
export const runtimeWatcherWorkflowId = (schedulerName: string) =>
  `runtime-watcher:${schedulerName}`;
export const metricsReporterWorkflowId = (schedulerName: string) =>
  `metrics-reporter:${schedulerName}`;

export interface SupervisorInput {
  schedulerName: string;
  /** How long the long-running activity may go silent before Temporal runs it elsewhere. */
  heartbeatTimeoutMs: number;
}

/**
 * A long-running, heartbeating activity retried forever: if its process dies, Temporal notices the
 * silence after the heartbeat timeout and runs it on another worker of the same task queue.
 */
function supervisionOptions(input: SupervisorInput): ActivityOptions {
  return {
    // A run lasts a day (SUPERVISOR_RUN_MS in src/main/modules/index.ts), then rotates.
    startToCloseTimeout: '25 hours',
    heartbeatTimeout: input.heartbeatTimeoutMs,
    retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
  };
}

/**
 * Runs `activity` again each time its run is up (it returns `rotated` after a while, so no single
 * activity lives forever), until the scheduler is deleted or the workflow is canceled.
 */
async function supervise(
  input: SupervisorInput,
  role: SupervisorRole,
  activity: (input: { schedulerName: string }) => Promise<SupervisionOutcome>,
  again: () => Promise<never>,
): Promise<void> {
  // Its static summary is lost at continue-as-new; every run says what it is (no command).
  setCurrentDetails(
    currentDetails(
      supervisorSummary(role, input.schedulerName),
      supervisorDetails(role, input.schedulerName),
    ),
  );
  for (;;) {
    if ((await activity({ schedulerName: input.schedulerName })) === 'scheduler_deleted') return;
    if (workflowInfo().continueAsNewSuggested) return again();
  }
}

/**
 * The runtime watcher of one scheduler (task queue `maestro-runtime-watcher`): its activity holds
 * the runtime watch and writes every instance change into room storage, resyncs periodically and
 * keeps the disruption budget.
 */
export async function runtimeWatcherWorkflow(input: SupervisorInput): Promise<void> {
  const { watchRooms } = proxyActivities<WatcherActivities>(supervisionOptions(input));
  await supervise(input, SupervisorRole.RUNTIME_WATCHER, watchRooms, () =>
    continueAsNew<typeof runtimeWatcherWorkflow>(input),
  );
}

/**
 * The metrics reporter of one scheduler (task queue `maestro-metrics`): its activity refreshes the
 * scheduler's gauges on the reporter's `/metrics` and removes them when the scheduler is gone.
 */
export async function metricsReporterWorkflow(input: SupervisorInput): Promise<void> {
  const { reportMetrics } = proxyActivities<MetricsActivities>(supervisionOptions(input));
  await supervise(input, SupervisorRole.METRICS_REPORTER, reportMetrics, () =>
    continueAsNew<typeof metricsReporterWorkflow>(input),
  );
}
