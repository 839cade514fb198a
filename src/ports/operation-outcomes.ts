import type { OperationSummary } from '../domain/operations/operation';

/**
 * Where an operation's final status is told to its scheduler's execution worker (the scheduler
 * workflow), from the operation's own step. `tell` returns once the scheduler has it for good: it
 * is recorded before the operation reads as final anywhere, so the scheduler's listing and the
 * API's conflict check never count a finished operation as ongoing. Idempotent: the scheduler
 * keeps one entry per operation id, so a retried step may tell it twice. A scheduler that no longer
 * runs (deleted, terminated) has nobody to tell: that is not an error.
 */
export interface OperationOutcomes {
  tell(summary: OperationSummary): Promise<void>;
}
