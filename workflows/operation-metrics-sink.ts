import { proxySinks, type Sinks } from '@temporalio/workflow';
import type { OperationMetrics } from '../src/ports/operation-metrics';

/** The observations workflow code reports (see `OperationMetrics`). */
export type OperationMetricsSink = Pick<
  OperationMetrics,
  'operationExecuted' | 'operationRolledBack' | 'operationEvicted' | 'operationStartFailed'
>;

/**
 * The operation metrics as a Temporal sink: a call is handed to the worker after its workflow
 * task, costs no Temporal action, and is not made again when the workflow replays (the worker
 * injects it with `callDuringReplay: false`). Durations come from workflow time (`Date.now()`).
 */
export interface OperationMetricsSinks extends Sinks {
  operationMetrics: OperationMetricsSink;
}

export const { operationMetrics } = proxySinks<OperationMetricsSinks>();
