import type { InjectedSinks } from '@temporalio/worker';
import type { OperationMetrics } from '../../ports/operation-metrics';
import type { OperationMetricsSinks } from '../../../workflows/operation-metrics-sink';

/**
 * The workers' side of the workflows' `operationMetrics` sink: each call reaches `metrics` once,
 * after the workflow task that made it, and never when the workflow replays (a worker that
 * rebuilds a workflow from its history does not count its operations again).
 */
export function operationMetricsSinks(
  metrics: OperationMetrics,
): InjectedSinks<OperationMetricsSinks> {
  return {
    operationMetrics: {
      operationExecuted: {
        fn: (_info, timing) => metrics.operationExecuted(timing),
        callDuringReplay: false,
      },
      operationRolledBack: {
        fn: (_info, timing) => metrics.operationRolledBack(timing),
        callDuringReplay: false,
      },
      operationEvicted: {
        fn: (_info, event) => metrics.operationEvicted(event),
        callDuringReplay: false,
      },
      operationStartFailed: {
        fn: (_info, event) => metrics.operationStartFailed(event),
        callDuringReplay: false,
      },
    },
  };
}
