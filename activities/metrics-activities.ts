import { Context } from '@temporalio/activity';
import { SchedulerMetricsReporter, type SchedulerMetricsDeps } from '../src/app/scheduler-metrics';
import { superviseActivity, type SupervisionOutcome, type SupervisionRun } from './supervision';

export type MetricsActivityDeps = SchedulerMetricsDeps & SupervisionRun;

/** The metrics reporter module's activity (task queue `maestro-metrics`). */
export function createMetricsActivities(deps: MetricsActivityDeps) {
  return {
    /** Keeps the scheduler's gauges fresh (see `SchedulerMetricsReporter`) until the run is up. */
    async reportMetrics(input: { schedulerName: string }): Promise<SupervisionOutcome> {
      return superviseActivity(Context.current(), deps, async (signal) =>
        new SchedulerMetricsReporter(deps, input.schedulerName).run(signal),
      );
    },
  };
}

export type MetricsActivities = ReturnType<typeof createMetricsActivities>;
