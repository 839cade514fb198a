import { Context } from '@temporalio/activity';
import { SchedulerMetricsReporter, type SchedulerMetricsDeps } from '../src/app/scheduler-metrics';
import type { SupervisionOutcome } from '../workflows/supervision';
import { superviseActivity, type SupervisionSlots } from './supervision';

export interface MetricsActivityDeps extends SchedulerMetricsDeps {
  /** How long one activity run lasts before it hands over to the next (`rotated`). */
  runDurationMs: number;
  /** This process's slots for supervisors (one per scheduler). */
  slots: SupervisionSlots;
}

/** The metrics reporter module's activity (task queue `maestro-metrics`). */
export function createMetricsActivities(deps: MetricsActivityDeps) {
  return {
    /** Keeps the scheduler's gauges fresh (see `SchedulerMetricsReporter`) until the run is up. */
    async reportMetrics(input: { schedulerName: string }): Promise<SupervisionOutcome> {
      return superviseActivity(Context.current(), deps.runDurationMs, deps.slots, async (signal) =>
        new SchedulerMetricsReporter(deps, input.schedulerName).run(signal),
      );
    },
  };
}

export type MetricsActivities = ReturnType<typeof createMetricsActivities>;
