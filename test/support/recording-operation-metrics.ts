import type { OperationMetrics } from '../../src/ports/operation-metrics';

/** An `OperationMetrics` that keeps every call, by method, in order. */
export class RecordingOperationMetrics implements OperationMetrics {
  readonly calls: Array<{ method: keyof OperationMetrics; event: unknown }> = [];

  operationExecuted = this.recorder('operationExecuted');
  operationRolledBack = this.recorder('operationRolledBack');
  operationEvicted = this.recorder('operationEvicted');
  operationStartFailed = this.recorder('operationStartFailed');
  roomCreationFailed = this.recorder('roomCreationFailed');
  roomsDeletionFailed = this.recorder('roomsDeletionFailed');

  private recorder(method: keyof OperationMetrics) {
    return (event: unknown) => void this.calls.push({ method, event });
  }
}
