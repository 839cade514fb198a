import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { OperationActor } from '../src/domain/operations/actor';
import type { OperationDetails, OperationSummary } from '../src/domain/operations/operation';
import type { SchedulerFacts } from '../src/domain/operations/operation-summary';

/** Workflow id of a scheduler's execution worker. */
export const schedulerWorkflowId = (schedulerName: string): string => `scheduler:${schedulerName}`;

/** An operation the API asks a scheduler to run; its id (a UUID) is chosen by the API. */
export interface EnqueueOperationRequest {
  id: string;
  definitionName: string;
  input: Record<string, unknown>;
  /** ISO timestamp; the API's clock, so the id and time are known before the signal lands. */
  createdAt: string;
  /** Who asked (absent in requests sent before maestro recorded it). */
  actor?: OperationActor;
  /**
   * The scheduler's game and version as the enqueuer knew them, for the operation's summary in
   * the Temporal UI only (absent in requests sent before maestro recorded it).
   */
  schedulerFacts?: SchedulerFacts;
}

/**
 * API → scheduler workflow, with signal-with-start: queue an operation. Delivered twice (a
 * retried API call), it is queued once.
 */
export const enqueueOperationSignal = defineSignal<[EnqueueOperationRequest]>('enqueueOperation');

/** Operation workflow → its scheduler workflow: the operation reached a final status. */
export const operationFinishedSignal = defineSignal<[OperationSummary]>('operationFinished');

/**
 * API → operation workflow, just before it asks Temporal to cancel it: who cancels. The operation
 * records it (`canceledBy`); a cancel from elsewhere (`temporal workflow cancel`) records none.
 */
export const recordCancelerSignal = defineSignal<[OperationActor]>('recordCanceler');

/** Scheduler workflow → operation workflow: its turn has come. */
export const startOperationSignal = defineSignal('startOperation');

/** The scheduler's operations by stage, newest finished last. */
export interface SchedulerOperations {
  pending: OperationSummary[];
  active: OperationSummary[];
  finished: OperationSummary[];
}

/** Scheduler workflow: its queue (read-your-writes after a signal), running and recent operations. */
export const listOperationsQuery = defineQuery<SchedulerOperations>('listOperations');

/**
 * Scheduler workflow: its pending or running version change (`create_new_scheduler_version`,
 * `switch_active_version`), pending ones first, or null: the API's conflict check, read-your-writes
 * as the listing, without carrying the whole listing.
 */
export const ongoingVersionOperationQuery = defineQuery<OperationSummary | null>(
  'ongoingVersionOperation',
);

/** Operation workflow: the operation with its input and execution history. */
export const getOperationQuery = defineQuery<OperationDetails>('getOperation');

/**
 * Runtime watcher's health watch → scheduler workflow: the health plan would act now (a room
 * died or expired, the autoscaler wants another size, a rolling-update step is ready). Cheap: it
 * only raises a flag; the workflow checks its health as soon as it is idle.
 */
export const healthNudgeSignal = defineSignal('healthNudge');
