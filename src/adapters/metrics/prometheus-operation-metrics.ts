import type { Counter, Histogram, Registry } from 'prom-client';
import type {
  EvictionReason,
  OperationLabels,
  OperationMetrics,
  OperationTiming,
} from '../../ports/operation-metrics';
import { sharedCounter, sharedHistogram } from './prometheus-metric';

/** Maestro's latency buckets, in milliseconds (`monitoring.DefBucketsMs`). */
export const MAESTRO_LATENCY_BUCKETS_MS = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000];

/** A failed room step's counter labels: `operation` is the definition name (Maestro put the id). */
const ROOM_STEP_LABELS = ['scheduler', 'operation'];

/**
 * The operation execution worker's metrics under Maestro's names and labels
 * (`maestro_worker_operation_{execution,rollback}_latency` in milliseconds,
 * `maestro_worker_operation_evicted_total`, …), in the worker's registry.
 */
export class PrometheusOperationMetrics implements OperationMetrics {
  private readonly execution: Histogram;
  private readonly rollback: Histogram;
  private readonly evicted: Counter;
  private readonly startFailed: Counter;
  private readonly creationFailed: Counter;
  private readonly deletionFailed: Counter;

  constructor(registry: Registry) {
    const latency = (name: string, help: string) =>
      sharedHistogram(
        registry,
        name,
        help,
        ['game', 'scheduler', 'operation', 'success'],
        MAESTRO_LATENCY_BUCKETS_MS,
      );
    this.execution = latency(
      'maestro_worker_operation_execution_latency',
      'Milliseconds an operation took to execute, by outcome (success false: failed or canceled).',
    );
    this.rollback = latency(
      'maestro_worker_operation_rollback_latency',
      'Milliseconds the rollback of a failed or canceled operation took, by outcome.',
    );
    this.evicted = sharedCounter(
      registry,
      'maestro_worker_operation_evicted_total',
      'Operations dropped without running, by reason (no_operation_executor_found: unknown definition).',
      ['game', 'scheduler', 'operation', 'reason'],
    );
    this.startFailed = sharedCounter(
      registry,
      'maestro_worker_operation_execution_worker_failed_total',
      'Operations the scheduler workflow could not start (start_operation_failed: their workflow id was already used); they are dropped.',
      ['game', 'scheduler', 'reason'],
    );
    this.creationFailed = sharedCounter(
      registry,
      'maestro_worker_add_rooms_operation_execution_failed_total',
      'Rooms whose creation failed in an attempt of an add_rooms step (the step is retried).',
      ROOM_STEP_LABELS,
    );
    // Maestro's name, its double suffix included (its helper appended `_total` to a `_total`).
    this.deletionFailed = sharedCounter(
      registry,
      'maestro_worker_remove_rooms_operation_deletion_failed_total_total',
      'Attempts of a remove_rooms step that failed to delete its rooms (the step is retried).',
      ROOM_STEP_LABELS,
    );
  }

  operationExecuted(timing: OperationTiming): void {
    this.execution.observe(timingLabels(timing), timing.durationMs);
  }

  operationRolledBack(timing: OperationTiming): void {
    this.rollback.observe(timingLabels(timing), timing.durationMs);
  }

  operationEvicted({
    game,
    scheduler,
    operation,
    reason,
  }: OperationLabels & { reason: EvictionReason }): void {
    this.evicted.inc({ game, scheduler, operation, reason });
  }

  operationStartFailed({ game, scheduler }: { game: string; scheduler: string }): void {
    this.startFailed.inc({ game, scheduler, reason: 'start_operation_failed' });
  }

  roomCreationFailed({ scheduler, operation }: { scheduler: string; operation: string }): void {
    this.creationFailed.inc({ scheduler, operation });
  }

  roomsDeletionFailed({ scheduler, operation }: { scheduler: string; operation: string }): void {
    this.deletionFailed.inc({ scheduler, operation });
  }
}

function timingLabels({ game, scheduler, operation, isSuccess }: OperationTiming) {
  return { game, scheduler, operation, success: String(isSuccess) };
}
