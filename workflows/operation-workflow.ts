import {
  CancellationScope,
  condition,
  getExternalWorkflowHandle,
  isCancellation,
  patched,
  setHandler,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import {
  OperationStatus,
  type OperationDetails,
  type OperationSummary,
} from '../src/domain/operations/operation';
import {
  getOperationQuery,
  operationFinishedSignal,
  schedulerWorkflowId,
  startOperationSignal,
  type EnqueueOperationRequest,
} from './messages';
import type { OperationContext } from './operations/operation-executor';
import { runnableOperation, type RunnableOperation } from './operations/registry';
import { operationStatusKey } from './search-attributes';

export interface OperationWorkflowInput extends EnqueueOperationRequest {
  schedulerName: string;
  /** Its scheduler had nothing else to run: no need to wait for the turn signal. */
  startImmediately?: boolean;
}

/**
 * One operation (workflow id = operation id). Waits, `pending`, for its scheduler workflow's turn
 * signal; runs its definition's steps `in_progress`; ends `finished`, or — after a rollback in a
 * non-cancellable scope — `error` when a step failed and `canceled` when it was canceled (from the
 * API or `temporal workflow cancel`). Canceled while pending, it ends `canceled` without running.
 * Its scheduler workflow learns the outcome by signal. Its result is its details, so a completed
 * operation is read without a worker replaying it.
 */
export async function operationWorkflow(input: OperationWorkflowInput): Promise<OperationDetails> {
  const details: OperationDetails = {
    id: input.id,
    schedulerName: input.schedulerName,
    definitionName: input.definitionName,
    status: OperationStatus.PENDING,
    createdAt: input.createdAt,
    updatedAt: input.createdAt,
    hasNoAction: false,
    input: input.input,
    executionHistory: [{ createdAt: input.createdAt, event: 'Created' }],
  };
  const context: OperationContext = {
    schedulerName: input.schedulerName,
    operationId: input.id,
    record: (event) =>
      details.executionHistory.push({ createdAt: new Date().toISOString(), event }),
    setInput: (patch) => (details.input = { ...details.input, ...patch }),
    markNoAction: () => (details.hasNoAction = true),
  };
  let isStarted = input.startImmediately ?? false;
  setHandler(getOperationQuery, () => details);
  setHandler(startOperationSignal, () => void (isStarted = true));

  try {
    await condition(() => isStarted);
  } catch (error) {
    if (!isCancellation(error)) throw error;
    context.record('Operation canceled while pending');
    await finish(details, OperationStatus.CANCELED);
    throw error;
  }
  setStatus(details, OperationStatus.IN_PROGRESS);
  context.record('Starting operation');
  let operation: RunnableOperation | undefined;
  try {
    operation = runnableOperation(input.definitionName, input.input);
    await operation.execute(context);
    await finish(details, OperationStatus.FINISHED);
    return details;
  } catch (error) {
    const isCanceled = isCancellation(error);
    context.record(
      isCanceled
        ? 'Operation canceled by the user'
        : `Operation execution failed: ${messageOf(error)}`,
    );
    // An input that failed its check ran no step: there is nothing to roll back.
    if (operation) await rollBack(operation, context);
    await finish(details, isCanceled ? OperationStatus.CANCELED : OperationStatus.ERROR);
    if (isCanceled) throw error; // the execution shows as canceled in Temporal too
    return details;
  }
}

/** Runs the rollback to its end even when this workflow is being canceled; records its outcome. */
async function rollBack(operation: RunnableOperation, context: OperationContext) {
  context.record('Starting operation rollback');
  await CancellationScope.nonCancellable(async () => {
    try {
      await operation.rollback(context);
      context.record('Operation rollback flow execution finished with success');
    } catch (rollbackError) {
      context.record(
        `Operation rollback flow execution failed, reason: ${messageOf(rollbackError)}`,
      );
    }
  });
}

/** Marks the change of `finish`'s order (see there); histories recorded before it replay the old one. */
export const SCHEDULER_HEARS_FIRST_PATCH = 'scheduler-hears-final-status-first';

function setStatus(
  details: OperationDetails,
  status: OperationDetails['status'],
  updatedAt = new Date().toISOString(),
) {
  details.status = status;
  details.updatedAt = updatedAt;
  upsertSearchAttributes([{ key: operationStatusKey, value: status }]);
}

/**
 * Final status, told to the scheduler workflow even when this workflow is being canceled. The
 * scheduler workflow hears it first: once the operation reads as final anywhere (its query, search
 * attribute or result), the scheduler's history already holds the signal, so its listing (a query
 * Temporal answers only after that signal is applied) and the API's conflict check agree.
 */
async function finish(details: OperationDetails, status: OperationDetails['status']) {
  if (!patched(SCHEDULER_HEARS_FIRST_PATCH)) return finishSchedulerLast(details, status);
  const updatedAt = new Date().toISOString();
  await signalScheduler({ ...summaryOf(details), status, updatedAt });
  setStatus(details, status, updatedAt);
  details.executionHistory.push({ createdAt: updatedAt, event: 'Operation finished' });
}

/** The order before SCHEDULER_HEARS_FIRST_PATCH: a final status could be read before the scheduler knew. */
async function finishSchedulerLast(details: OperationDetails, status: OperationDetails['status']) {
  setStatus(details, status);
  details.executionHistory.push({ createdAt: details.updatedAt, event: 'Operation finished' });
  await signalScheduler(summaryOf(details));
}

function signalScheduler(summary: OperationSummary): Promise<void> {
  return CancellationScope.nonCancellable(() =>
    getExternalWorkflowHandle(schedulerWorkflowId(summary.schedulerName)).signal(
      operationFinishedSignal,
      summary,
    ),
  );
}

function summaryOf(details: OperationDetails): OperationSummary {
  const { id, schedulerName, definitionName, status, createdAt, updatedAt, hasNoAction } = details;
  return { id, schedulerName, definitionName, status, createdAt, updatedAt, hasNoAction };
}

function messageOf(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: unknown }).cause;
    return cause instanceof Error ? cause.message : error.message;
  }
  return String(error);
}
