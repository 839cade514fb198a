/**
 * Operations: every change to a scheduler is one, queued per scheduler and run one at a time.
 * Names and statuses are Maestro's wire values.
 */
import type { OperationActor } from './actor';

export const OperationStatus = {
  PENDING: 'pending',
  IN_PROGRESS: 'in_progress',
  FINISHED: 'finished',
  ERROR: 'error',
  CANCELED: 'canceled',
  EVICTED: 'evicted',
} as const;
export type OperationStatus = (typeof OperationStatus)[keyof typeof OperationStatus];

/** Statuses an operation never leaves. */
export const FINAL_STATUSES: readonly OperationStatus[] = [
  OperationStatus.FINISHED,
  OperationStatus.ERROR,
  OperationStatus.CANCELED,
  OperationStatus.EVICTED,
];

export const isFinalStatus = (status: OperationStatus): boolean => FINAL_STATUSES.includes(status);

/** One line of an operation's execution history, as Maestro shows it. */
export interface OperationEvent {
  createdAt: string;
  event: string;
}

/** What the scheduler's queue knows of an operation (the listing's row). */
export interface OperationSummary {
  id: string;
  schedulerName: string;
  definitionName: string;
  status: OperationStatus;
  /** ISO timestamp of creation. */
  createdAt: string;
  /** ISO timestamp of the last status change. */
  updatedAt: string;
  /** True for runs that changed nothing (a health check that found nothing to do): hidden from the final listing. */
  hasNoAction: boolean;
  /** Who asked for it (absent on operations queued before maestro recorded it). */
  actor?: OperationActor;
}

/** An operation in full: the listing's row plus its input and execution history. */
export interface OperationDetails extends OperationSummary {
  input: Record<string, unknown>;
  executionHistory: OperationEvent[];
  /** Who canceled it, once canceled through the Management API. */
  canceledBy?: OperationActor;
}
