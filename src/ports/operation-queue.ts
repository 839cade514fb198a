import type { OperationInput, OperationName } from '../domain/operations/definitions';
import type { OperationDetails, OperationSummary } from '../domain/operations/operation';

/** A scheduler's operations by stage; `finished` holds the most recent ones, oldest first. */
export interface OperationsByStage {
  pending: OperationSummary[];
  active: Array<OperationSummary & { leaseTtl?: string }>;
  finished: OperationSummary[];
}

/**
 * Each scheduler's operation queue and the operations in it (implemented on Temporal: the
 * scheduler workflow and one workflow per operation).
 */
export interface OperationQueue {
  /**
   * Queues an operation for the scheduler (starting its execution worker if needed); returns its
   * id. The input is typed by its definition here and checked against the definition's schema
   * when the operation starts. Given an `operationId`, queueing it again is a no-op (the queue
   * knows the id), so a caller that derives the id from its request can repeat a call whose
   * outcome it did not learn. A dependency outage fails with UNAVAILABLE; after a timeout the
   * operation may or may not be queued.
   */
  enqueue<N extends OperationName>(
    schedulerName: string,
    definitionName: N,
    input: OperationInput<N>,
    operationId?: string,
  ): Promise<string>;

  /** Read-your-writes: an operation enqueued before the call is listed. Unknown scheduler → empty stages. */
  list(schedulerName: string): Promise<OperationsByStage>;

  /** The operation with input and history, or undefined when it does not exist for this scheduler. */
  get(schedulerName: string, operationId: string): Promise<OperationDetails | undefined>;

  /**
   * Cancels a pending (it leaves the queue) or running (it rolls back) operation. Throws
   * `NOT_FOUND` for an unknown one and `CONFLICT` for one in a final status.
   */
  cancel(schedulerName: string, operationId: string): Promise<void>;
}
