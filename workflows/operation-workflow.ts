import {
  CancellationScope,
  condition,
  getExternalWorkflowHandle,
  isCancellation,
  patched,
  setHandler,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import { ActorKind, type OperationActor } from '../src/domain/operations/actor';
import {
  OperationStatus,
  type OperationDetails,
  type OperationSummary,
} from '../src/domain/operations/operation';
import {
  getOperationQuery,
  operationFinishedSignal,
  recordCancelerSignal,
  schedulerWorkflowId,
  startOperationSignal,
  type EnqueueOperationRequest,
} from './messages';
import type { OperationLabels, OperationTiming } from '../src/ports/operation-metrics';
import { operationMetrics } from './operation-metrics-sink';
import { localActivityProxy } from './operations/activity-proxies';
import type { OperationContext } from './operations/operation-executor';
import { runnableOperation, type RunnableOperation } from './operations/registry';
import { operationStatusKey } from './search-attributes';

export interface OperationWorkflowInput extends EnqueueOperationRequest {
  schedulerName: string;
  /** Its scheduler had nothing else to run: no need to wait for the turn signal. */
  startImmediately?: boolean;
  /** Its scheduler's game, for its metrics (absent in operations queued before it was passed). */
  game?: string;
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
    ...(input.actor && { actor: input.actor }),
  };
  const context: OperationContext = {
    schedulerName: input.schedulerName,
    operationId: input.id,
    ...(input.actor && { actor: input.actor }),
    record: (event) =>
      details.executionHistory.push({ createdAt: new Date().toISOString(), event }),
    setInput: (patch) => (details.input = { ...details.input, ...patch }),
    markNoAction: () => (details.hasNoAction = true),
  };
  let isStarted = input.startImmediately ?? false;
  const isTold = patched(SCHEDULER_TOLD_BY_ACTIVITY_PATCH);
  setHandler(getOperationQuery, () => details);
  setHandler(startOperationSignal, () => void (isStarted = true));
  // Recorded once canceled: a canceler whose cancel request never followed is not named.
  let canceler: OperationActor | undefined;
  setHandler(recordCancelerSignal, (actor) => void (canceler = actor));
  const recordCanceled = (line: string) => {
    if (canceler) details.canceledBy = canceler;
    context.record(`${line}${byWhom(canceler)}`);
  };

  try {
    await condition(() => isStarted);
  } catch (error) {
    if (!isCancellation(error)) throw error;
    recordCanceled('Operation canceled while pending');
    await finish(details, OperationStatus.CANCELED, isTold);
    throw error;
  }
  // Started at once, its search attribute already says in_progress (see the scheduler's enqueue).
  const isStatusKnown = isTold && input.startImmediately === true;
  setStatus(details, OperationStatus.IN_PROGRESS, new Date().toISOString(), !isStatusKnown);
  context.record('Starting operation');
  const labels = metricLabelsOf(input);
  // Set once the input passed its check (an input that failed it ran no step).
  const bound: { operation?: RunnableOperation } = {};
  try {
    await measured(operationMetrics.operationExecuted, labels, async () => {
      bound.operation = runnableOperation(input.definitionName, input.input);
      await bound.operation.execute(context);
    });
    await finish(details, OperationStatus.FINISHED, isTold);
    return details;
  } catch (error) {
    const isCanceled = isCancellation(error);
    if (isCanceled) recordCanceled('Operation canceled by the user');
    else context.record(`Operation execution failed: ${messageOf(error)}`);
    // An input that failed its check ran no step: there is nothing to roll back.
    if (bound.operation) await rollBack(bound.operation, context, labels);
    await finish(details, isCanceled ? OperationStatus.CANCELED : OperationStatus.ERROR, isTold);
    if (isCanceled) throw error; // the execution shows as canceled in Temporal too
    return details;
  }
}

/** Runs the rollback to its end even when this workflow is being canceled; records its outcome. */
async function rollBack(
  operation: RunnableOperation,
  context: OperationContext,
  labels: OperationLabels,
) {
  context.record('Starting operation rollback');
  await CancellationScope.nonCancellable(async () => {
    try {
      await measured(operationMetrics.operationRolledBack, labels, () =>
        operation.rollback(context),
      );
      context.record('Operation rollback flow execution finished with success');
    } catch (rollbackError) {
      context.record(
        `Operation rollback flow execution failed, reason: ${messageOf(rollbackError)}`,
      );
    }
  });
}

/** The operation's metric labels; its game as its scheduler workflow or its enqueuer knew it. */
function metricLabelsOf(input: OperationWorkflowInput): OperationLabels {
  const game = input.game ?? input.schedulerFacts?.game ?? '';
  return { game, scheduler: input.schedulerName, operation: input.definitionName };
}

/**
 * Runs `step` and reports its workflow-time duration and outcome to `report` (a sink: nothing is
 * reported again when the workflow replays). Rethrows the step's error.
 */
async function measured(
  report: (timing: OperationTiming) => void,
  labels: OperationLabels,
  step: () => Promise<void>,
): Promise<void> {
  const startedAt = Date.now();
  try {
    await step();
  } catch (error) {
    report({ ...labels, isSuccess: false, durationMs: Date.now() - startedAt });
    throw error;
  }
  report({ ...labels, isSuccess: true, durationMs: Date.now() - startedAt });
}

/** Marks the change of `finish`'s order (see there); histories recorded before it replay the old one. */
export const SCHEDULER_HEARS_FIRST_PATCH = 'scheduler-hears-final-status-first';

/**
 * Marks the scheduler told by a local activity rather than a workflow signal, and no repeated
 * in_progress search attribute for an operation started at once (see `finish`); histories recorded
 * before it replay with the signal.
 */
export const SCHEDULER_TOLD_BY_ACTIVITY_PATCH = 'scheduler-told-by-local-activity';

function setStatus(
  details: OperationDetails,
  status: OperationDetails['status'],
  updatedAt = new Date().toISOString(),
  isUpserted = true,
) {
  details.status = status;
  details.updatedAt = updatedAt;
  if (isUpserted) upsertSearchAttributes([{ key: operationStatusKey, value: status }]);
}

/**
 * Final status, told to the scheduler workflow even when this workflow is being canceled. The
 * scheduler workflow hears it first: once the operation reads as final anywhere (its query, search
 * attribute or result), the scheduler's history already holds the signal, so its listing (a query
 * Temporal answers only after that signal is applied) and the API's conflict check agree.
 * `isTold` (SCHEDULER_TOLD_BY_ACTIVITY_PATCH): a local activity sends that signal through the
 * client and returns once the server recorded it, within this workflow task, so the final status
 * and the completion follow in the same task (a workflow's own signal command is confirmed only by
 * one more workflow task, a server round trip).
 */
async function finish(
  details: OperationDetails,
  status: OperationDetails['status'],
  isTold: boolean,
) {
  if (!isTold && !patched(SCHEDULER_HEARS_FIRST_PATCH)) return finishSchedulerLast(details, status);
  const updatedAt = new Date().toISOString();
  const summary = { ...summaryOf(details), status, updatedAt };
  await (isTold ? tellScheduler(summary) : signalScheduler(summary));
  setStatus(details, status, updatedAt);
  details.executionHistory.push({ createdAt: updatedAt, event: 'Operation finished' });
}

function tellScheduler(summary: OperationSummary): Promise<void> {
  return CancellationScope.nonCancellable(() =>
    localActivityProxy.tellSchedulerFinalStatus({ summary }),
  );
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
  const summary = { id, schedulerName, definitionName, status, createdAt, updatedAt, hasNoAction };
  return details.actor ? { ...summary, actor: details.actor } : summary;
}

/** Who canceled, in the history line; nothing when unknown or anonymous (Maestro's line as is). */
function byWhom(actor: OperationActor | undefined): string {
  if (!actor || actor.kind === ActorKind.ANONYMOUS) return '';
  const credential = actor.credentialId === '' ? '' : `, credential ${actor.credentialId}`;
  return ` (${actor.subject}${credential})`;
}

function messageOf(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: unknown }).cause;
    return cause instanceof Error ? cause.message : error.message;
  }
  return String(error);
}
