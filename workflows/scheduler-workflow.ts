import {
  allHandlersFinished,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  log,
  ParentClosePolicy,
  patched,
  proxyLocalActivities,
  setCurrentDetails,
  setHandler,
  startChild,
  uuid4,
  workflowInfo,
  WorkflowIdReusePolicy,
} from '@temporalio/workflow';
import { SYSTEM_ACTOR } from '../src/domain/operations/actor';
import {
  firstVersionOperation,
  isOperationName,
  OperationName,
  PRIORITY_OPERATIONS,
} from '../src/domain/operations/definitions';
import { OperationStatus, type OperationSummary } from '../src/domain/operations/operation';
import {
  operationDetails,
  operationSummary,
  type DescribedOperation,
} from '../src/domain/operations/operation-summary';
import {
  currentDetails,
  schedulerWorkflowDetails,
  schedulerWorkflowSummary,
  supervisorDetails,
  supervisorSummary,
  SupervisorRole,
} from '../src/domain/scheduler/scheduler-workflow-summary';
import {
  enqueueOperationSignal,
  healthNudgeSignal,
  listOperationsQuery,
  ongoingVersionOperationQuery,
  operationFinishedSignal,
  startOperationSignal,
  type EnqueueOperationRequest,
} from './messages';
import type { Activities } from '../activities';
import type { HealthCheck } from '../activities/health-activities';
import { EvictionReason } from '../src/ports/operation-metrics';
import { operationMetrics } from './operation-metrics-sink';
import { operationWorkflow } from './operation-workflow';
import {
  operationActorKey,
  operationDefinitionKey,
  operationStatusKey,
  schedulerNameKey,
} from './search-attributes';
import {
  metricsReporterWorkflow,
  metricsReporterWorkflowId,
  runtimeWatcherWorkflow,
  runtimeWatcherWorkflowId,
} from './supervision';

/** The periodic health check: reads room storage, changes nothing. */
const { checkHealth } = proxyLocalActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '10 seconds', maximumAttempts: 3 },
});

/** Where the scheduler's runtime watcher and metrics reporter run. */
export interface SupervisionSettings {
  runtimeWatcherTaskQueue: string;
  metricsTaskQueue: string;
  /** Heartbeat timeout of their long-running activities. */
  heartbeatTimeoutMs: number;
}

export interface SchedulerWorkflowInput {
  schedulerName: string;
  /** Its game, for the Temporal UI's summaries (absent in runs started before it was recorded). */
  game?: string;
  /**
   * The safety interval: health is checked at least this often. The runtime watcher's health
   * watch nudges the workflow (`healthNudgeSignal`) as soon as the health controller would act.
   */
  healthControllerIntervalMs: number;
  /** How many finished operations the listing keeps (the rest stay in Temporal's history). */
  finishedOperationsLimit: number;
  supervision: SupervisionSettings;
  /** Carried over continue-as-new. */
  state?: SchedulerWorkflowState;
}

interface QueuedOperation {
  summary: OperationSummary;
  isPriority: boolean;
  /** Its workflow exists (it is started when queued, so it can be canceled while pending). */
  isStarted: boolean;
}

/** Plain JSON: it crosses continue-as-new. */
export interface SchedulerWorkflowState {
  queue: QueuedOperation[];
  active: OperationSummary | null;
  finished: OperationSummary[];
  nextHealthCheckAt: number;
  isDeleted: boolean;
  /** A health nudge arrived and health has not been checked since (absent in older runs). */
  isHealthNudged?: boolean;
}

/**
 * Health checked when nudged (`healthNudgeSignal`), as soon as the workflow is idle. A run that
 * received a nudge before its code knew them (the signal was left unhandled) replays without it.
 */
export const HEALTH_NUDGE_PATCH = 'health-nudge';

/**
 * The execution worker of one scheduler (workflow id `scheduler:<name>`): owns its operation queue
 * and runs one operation at a time, in order, with a priority lane for the health controller's
 * add/remove rooms. Each operation is a child workflow whose id is the operation id, started as
 * soon as it is queued so it can be inspected and canceled while pending; it signals back when it
 * ends. Its runtime watcher and metrics reporter run as child workflows on their own task queues.
 * When nudged by its runtime watcher's health watch (the health plan would act: a room died or
 * expired, the autoscaler wants another size, a rolling-update step is ready), and at least every
 * health-controller interval (a long safety interval), a cheap local check run when nothing is
 * queued decides whether the health_controller operation has something to do; only then is it
 * enqueued. A nudge that arrives while busy waits until the queue is empty. An idle, healthy
 * scheduler costs a timer and a local activity per safety interval. The workflow ends, with its
 * children, once the scheduler is deleted, or when that check finds it no longer stored (its
 * creation was rolled back).
 */
export async function schedulerWorkflow(input: SchedulerWorkflowInput): Promise<void> {
  const state: SchedulerWorkflowState = input.state ?? {
    queue: [],
    active: null,
    finished: [],
    nextHealthCheckAt: Date.now() + input.healthControllerIntervalMs,
    isDeleted: false,
  };
  // Its static summary is lost at continue-as-new; every run says what it is (no command).
  setCurrentDetails(
    currentDetails(
      schedulerWorkflowSummary(input.schedulerName, input.game),
      schedulerWorkflowDetails(input.schedulerName, input.game),
    ),
  );
  setHandler(listOperationsQuery, () => ({
    pending: state.queue.map((queued) => queued.summary),
    active: state.active ? [state.active] : [],
    finished: state.finished,
  }));
  setHandler(
    ongoingVersionOperationQuery,
    () =>
      firstVersionOperation([
        ...state.queue.map((queued) => queued.summary),
        ...(state.active ? [state.active] : []),
      ]) ?? null,
  );
  setHandler(enqueueOperationSignal, (request) => enqueue(input, state, request));
  setHandler(operationFinishedSignal, (summary) => recordFinished(input, state, summary));
  setHandler(healthNudgeSignal, () => {
    // A run started on code without nudges ignores them on replay, as it did then.
    if (patched(HEALTH_NUDGE_PATCH)) state.isHealthNudged = true;
  });
  // Every run (continue-as-new included) makes sure they run: one that was stopped comes back.
  if (!state.isDeleted) await startSupervisors(input);

  for (;;) {
    const isIntervalDue = !(await condition(
      () =>
        isNextReady(state) ||
        isOver(state) ||
        isNudgedIdle(state) ||
        workflowInfo().continueAsNewSuggested,
      Math.max(0, state.nextHealthCheckAt - Date.now()),
    ));
    if (isOver(state)) {
      await stopSupervisors(input.schedulerName);
      return cancelPending(state);
    }
    if (isIntervalDue || isNudgedIdle(state)) {
      state.nextHealthCheckAt = Date.now() + input.healthControllerIntervalMs;
      // Busy: checked once the queue is empty (as if nudged), not a whole interval later.
      const isChecked = isIdle(state);
      state.isHealthNudged = !isChecked && isIntervalDue && patched(HEALTH_NUDGE_PATCH);
      const health = isChecked ? await checkedHealth(input.schedulerName) : undefined;
      if (health?.isSchedulerGone) {
        // Its creation was rolled back (or its row deleted): end, and stop the supervisors.
        log.info('scheduler no longer stored; its workflow ends', { name: input.schedulerName });
        state.isDeleted = true;
      } else if (health?.takesAction) {
        await enqueue(input, state, internalOperation(OperationName.HEALTH_CONTROLLER));
      }
    } else if (workflowInfo().continueAsNewSuggested && !isNextReady(state)) {
      await condition(allHandlersFinished);
      return continueAsNew<typeof schedulerWorkflow>({ ...input, state });
    } else {
      await startNext(state);
    }
  }
}

async function enqueue(
  input: SchedulerWorkflowInput,
  state: SchedulerWorkflowState,
  request: EnqueueOperationRequest,
) {
  if (isKnown(state, request.id)) return; // a redelivered signal
  const summary: OperationSummary = {
    id: request.id,
    schedulerName: input.schedulerName,
    definitionName: request.definitionName,
    status: OperationStatus.PENDING,
    createdAt: request.createdAt,
    updatedAt: request.createdAt,
    hasNoAction: false,
    ...(request.actor && { actor: request.actor }),
  };
  const game = request.schedulerFacts?.game ?? input.game;
  if (!isOperationName(request.definitionName)) {
    operationMetrics.operationEvicted({
      game: game ?? '',
      scheduler: input.schedulerName,
      operation: request.definitionName,
      reason: EvictionReason.NO_OPERATION_EXECUTOR_FOUND,
    });
    return recordFinished(input, state, { ...summary, status: OperationStatus.EVICTED });
  }
  const about = described(input, request.definitionName, request);
  const queued: QueuedOperation = {
    summary,
    isPriority: PRIORITY_OPERATIONS.includes(request.definitionName),
    isStarted: false,
  };
  // With nothing ahead of it, it runs at once: no turn signal, two workflow tasks fewer.
  const runsNow = !state.isDeleted && state.active === null && state.queue.length === 0;
  if (runsNow) {
    state.active = { ...summary, status: OperationStatus.IN_PROGRESS };
  } else {
    const position = queued.isPriority
      ? state.queue.filter((q) => q.isPriority).length
      : state.queue.length;
    state.queue.splice(position, 0, queued);
  }
  try {
    await startChild(operationWorkflow, {
      workflowId: request.id,
      // User metadata: what the Temporal UI shows; no command changes, so histories replay.
      staticSummary: operationSummary(about),
      staticDetails: operationDetails(about),
      args: [
        {
          ...request,
          schedulerName: input.schedulerName,
          startImmediately: runsNow,
          ...(game !== undefined && { game }),
        },
      ],
      // Operations outlive this run's continue-as-new; an id is never reused for another operation.
      parentClosePolicy: ParentClosePolicy.ABANDON,
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      typedSearchAttributes: [
        { key: schedulerNameKey, value: input.schedulerName },
        { key: operationDefinitionKey, value: request.definitionName },
        {
          key: operationStatusKey,
          value: runsNow ? OperationStatus.IN_PROGRESS : OperationStatus.PENDING,
        },
        ...(request.actor ? [{ key: operationActorKey, value: request.actor.subject }] : []),
      ],
    });
    queued.isStarted = true;
  } catch (error) {
    // The id belongs to an operation that left the listing long ago: it is not run twice.
    if (state.active?.id === request.id) state.active = null;
    state.queue = state.queue.filter((q) => q !== queued);
    log.warn('operation not queued: its id was already used', {
      operationId: request.id,
      error: String(error),
    });
    operationMetrics.operationStartFailed({ game: game ?? '', scheduler: input.schedulerName });
  }
}

async function startNext(state: SchedulerWorkflowState) {
  const next = state.queue.shift();
  if (!next) return;
  state.active = {
    ...next.summary,
    status: OperationStatus.IN_PROGRESS,
    updatedAt: new Date().toISOString(),
  };
  await getExternalWorkflowHandle(next.summary.id).signal(startOperationSignal);
}

function recordFinished(
  input: SchedulerWorkflowInput,
  state: SchedulerWorkflowState,
  summary: OperationSummary,
) {
  if (state.active?.id === summary.id) state.active = null;
  state.queue = state.queue.filter((queued) => queued.summary.id !== summary.id);
  state.finished = [...state.finished.filter((f) => f.id !== summary.id), summary].slice(
    -input.finishedOperationsLimit,
  );
  if (
    summary.definitionName === OperationName.DELETE_SCHEDULER &&
    summary.status === OperationStatus.FINISHED
  ) {
    state.isDeleted = true;
  }
}

async function checkedHealth(schedulerName: string): Promise<HealthCheck> {
  try {
    return await checkHealth({ schedulerName });
  } catch (error) {
    // Storage unreachable: nothing to decide now; the next interval checks again.
    log.warn('health check failed', { schedulerName, error: String(error) });
    return { takesAction: false, isSchedulerGone: false };
  }
}

/**
 * Starts the runtime watcher and the metrics reporter. They outlive this run's continue-as-new
 * (abandoned, not terminated, when the run closes); one already running is left as it is.
 */
async function startSupervisors(input: SchedulerWorkflowInput) {
  const { supervision, schedulerName } = input;
  const supervisorInput = { schedulerName, heartbeatTimeoutMs: supervision.heartbeatTimeoutMs };
  const children = [
    {
      workflow: runtimeWatcherWorkflow,
      workflowId: runtimeWatcherWorkflowId(schedulerName),
      taskQueue: supervision.runtimeWatcherTaskQueue,
      role: SupervisorRole.RUNTIME_WATCHER,
    },
    {
      workflow: metricsReporterWorkflow,
      workflowId: metricsReporterWorkflowId(schedulerName),
      taskQueue: supervision.metricsTaskQueue,
      role: SupervisorRole.METRICS_REPORTER,
    },
  ];
  for (const child of children) {
    try {
      await startChild(child.workflow, {
        workflowId: child.workflowId,
        taskQueue: child.taskQueue,
        staticSummary: supervisorSummary(child.role, schedulerName),
        staticDetails: supervisorDetails(child.role, schedulerName),
        args: [supervisorInput],
        parentClosePolicy: ParentClosePolicy.ABANDON,
        typedSearchAttributes: [{ key: schedulerNameKey, value: schedulerName }],
      });
    } catch (error) {
      log.info('supervisor already running', {
        workflowId: child.workflowId,
        error: String(error),
      });
    }
  }
}

async function stopSupervisors(schedulerName: string) {
  for (const workflowId of [
    runtimeWatcherWorkflowId(schedulerName),
    metricsReporterWorkflowId(schedulerName),
  ]) {
    try {
      await getExternalWorkflowHandle(workflowId).cancel();
    } catch (error) {
      log.info('supervisor already stopped', { workflowId, error: String(error) });
    }
  }
}

/** After the scheduler is deleted, what is still queued cannot run: cancel it. */
async function cancelPending(state: SchedulerWorkflowState) {
  await Promise.all(
    state.queue
      .filter((q) => q.isStarted)
      .map((q) => getExternalWorkflowHandle(q.summary.id).cancel()),
  );
}

/** An operation as its summary sees it; the scheduler's game is this workflow's when not given. */
function described(
  input: SchedulerWorkflowInput,
  definitionName: OperationName,
  request: EnqueueOperationRequest,
): DescribedOperation {
  const game = request.schedulerFacts?.game ?? input.game;
  const version = request.schedulerFacts?.version;
  return {
    id: request.id,
    definitionName,
    schedulerName: input.schedulerName,
    input: request.input,
    ...(request.actor && { actor: request.actor }),
    facts: { ...(game !== undefined && { game }), ...(version !== undefined && { version }) },
  };
}

/** An operation maestro queues by itself: its actor says so. */
function internalOperation(definitionName: OperationName): EnqueueOperationRequest {
  const createdAt = new Date().toISOString();
  return { id: uuid4(), definitionName, input: {}, createdAt, actor: SYSTEM_ACTOR };
}

const isNextReady = (state: SchedulerWorkflowState) =>
  !state.isDeleted && state.active === null && state.queue[0]?.isStarted === true;
const isOver = (state: SchedulerWorkflowState) => state.isDeleted && state.active === null;
const isKnown = (state: SchedulerWorkflowState, id: string) =>
  state.active?.id === id ||
  state.queue.some((q) => q.summary.id === id) ||
  state.finished.some((f) => f.id === id);
const isIdle = (state: SchedulerWorkflowState) =>
  !state.isDeleted && state.active === null && state.queue.length === 0;
const isNudgedIdle = (state: SchedulerWorkflowState) =>
  state.isHealthNudged === true && isIdle(state);
