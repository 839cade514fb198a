/** The operation an observation is about (Maestro's `{game, scheduler, operation}` labels). */
export interface OperationLabels {
  /** The scheduler's game; empty when the operation did not know it (runs queued before it did). */
  game: string;
  scheduler: string;
  /** The operation's definition name (`add_rooms`), never its id: bounded series. */
  operation: string;
}

/** How long an operation's execution (or rollback) took, and whether it ended without error. */
export interface OperationTiming extends OperationLabels {
  isSuccess: boolean;
  /** Workflow time: from the workflow task that started the step to the one that saw it end. */
  durationMs: number;
}

/** Why an operation was dropped without running (Maestro's `reason` label values). */
export const EvictionReason = {
  /** No executor is known for its definition name. */
  NO_OPERATION_EXECUTOR_FOUND: 'no_operation_executor_found',
} as const;
export type EvictionReason = (typeof EvictionReason)[keyof typeof EvictionReason];

/**
 * What the operation execution worker counts (Prometheus in production, under Maestro's
 * `maestro_worker_*` names). Calls come from workflow code through a Temporal sink, once per
 * execution (never again on replay), and from activities, once per attempt. Implementations
 * must not throw and must not block.
 */
export interface OperationMetrics {
  /** An operation's steps ran to their end (`isSuccess`) or failed or were canceled. */
  operationExecuted(timing: OperationTiming): void;
  /** An operation's rollback ran, after a failure or a cancellation. */
  operationRolledBack(timing: OperationTiming): void;
  /** An operation was dropped without running. */
  operationEvicted(event: OperationLabels & { reason: EvictionReason }): void;
  /**
   * The scheduler's execution worker could not start an operation (its workflow id was taken):
   * the operation is dropped.
   */
  operationStartFailed(event: { game: string; scheduler: string }): void;
  /** A room of an `add_rooms` step whose creation failed (once per attempt of the step). */
  roomCreationFailed(event: { scheduler: string; operation: string }): void;
  /** An attempt of a `remove_rooms` step that failed to delete its rooms. */
  roomsDeletionFailed(event: { scheduler: string; operation: string }): void;
}
