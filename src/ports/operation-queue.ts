import type { OperationActor } from '../domain/operations/actor';
import type { OperationInput, OperationName } from '../domain/operations/definitions';
import type { OperationDetails, OperationSummary } from '../domain/operations/operation';
import type { SchedulerFacts } from '../domain/operations/operation-summary';

/** A scheduler's operations by stage; `finished` holds the most recent ones, oldest first. */
export interface OperationsByStage {
  pending: OperationSummary[];
  active: Array<OperationSummary & { leaseTtl?: string }>;
  finished: OperationSummary[];
}

/** How an operation is queued: its id when the caller derives it, and who asked. */
export interface EnqueueOptions {
  /** Given, queueing it again is a no-op (see `OperationQueue.enqueue`); else a new UUID. */
  operationId?: string;
  /** Recorded on the operation (its details, listing row and `MaestroActor` search attribute). */
  actor?: OperationActor;
  /**
   * The scheduler's game and active version as the caller read them: shown in the operation's
   * (and the scheduler workflow's) summary in the Temporal UI, never used to decide anything.
   */
  schedulerFacts?: SchedulerFacts;
}

/**
 * Each scheduler's operation queue and the operations in it (implemented on Temporal: the
 * scheduler workflow and one workflow per operation).
 */
export interface OperationQueue {
  /**
   * Queues an operation for the scheduler (starting its execution worker if needed); returns its
   * id. The input is typed by its definition here and checked against the definition's schema
   * when the operation starts. The actor, when given, is recorded on the operation for good
   * (without one, none is recorded). Given an `operationId`, queueing it again is a no-op (the queue
   * knows the id), so a caller that derives the id from its request can repeat a call whose
   * outcome it did not learn. A dependency outage fails with UNAVAILABLE; after a timeout the
   * operation may or may not be queued.
   */
  enqueue<N extends OperationName>(
    schedulerName: string,
    definitionName: N,
    input: OperationInput<N>,
    options?: EnqueueOptions,
  ): Promise<string>;

  /** Read-your-writes: an operation enqueued before the call is listed. Unknown scheduler → empty stages. */
  list(schedulerName: string): Promise<OperationsByStage>;

  /**
   * The scheduler's pending or running version change (pending ones first), or undefined:
   * read-your-writes as `list`, for the version-conflict check.
   */
  ongoingVersionOperation(schedulerName: string): Promise<OperationSummary | undefined>;

  /** The operation with input and history, or undefined when it does not exist for this scheduler. */
  get(schedulerName: string, operationId: string): Promise<OperationDetails | undefined>;

  /**
   * Cancels a pending (it leaves the queue) or running (it rolls back) operation, recording
   * `canceledBy` on it when given. Throws `NOT_FOUND` for an unknown one and `CONFLICT` for one
   * in a final status.
   */
  cancel(schedulerName: string, operationId: string, canceledBy?: OperationActor): Promise<void>;
}
