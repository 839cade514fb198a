import { randomUUID } from 'node:crypto';
import { status as grpcStatus } from '@grpc/grpc-js';
import {
  isGrpcServiceError,
  QueryNotRegisteredError,
  ServiceError,
  WorkflowNotFoundError,
  type Client,
  type QueryDefinition,
  type WorkflowExecutionDescription,
} from '@temporalio/client';
import { DomainError, ErrorCode } from '../../domain/errors';
import type { OperationActor } from '../../domain/operations/actor';
import {
  schedulerWorkflowDetails,
  schedulerWorkflowSummary,
} from '../../domain/scheduler/scheduler-workflow-summary';
import {
  firstVersionOperation,
  type OperationInput,
  type OperationName,
} from '../../domain/operations/definitions';
import {
  isFinalStatus,
  OperationStatus,
  type OperationDetails,
  type OperationSummary,
} from '../../domain/operations/operation';
import type {
  EnqueueOptions,
  OperationQueue,
  OperationsByStage,
} from '../../ports/operation-queue';
import { operationLeaseTtl } from './operation-lease';
import { toTemporalError, type TemporalCall } from './temporal-errors';
import {
  enqueueOperationSignal,
  getOperationQuery,
  listOperationsQuery,
  ongoingVersionOperationQuery,
  recordCancelerSignal,
  schedulerWorkflowId,
  type EnqueueOperationRequest,
} from '../../../workflows/messages';
import type { schedulerWorkflow, SupervisionSettings } from '../../../workflows/scheduler-workflow';
import {
  operationDefinitionKey,
  operationStatusKey,
  schedulerNameKey,
} from '../../../workflows/search-attributes';

/** Queries need a worker; past this an operation is read from Temporal's own records. */
const QUERY_TIMEOUT_MS = 3_000;

export interface TemporalOperationQueueConfig {
  taskQueue: string;
  healthControllerIntervalMs: number;
  finishedOperationsLimit: number;
  /**
   * Deadline of each call to Temporal (MAESTRO_TEMPORAL_CALL_TIMEOUT_MS): past it the call fails
   * with TemporalUnavailableError instead of waiting for a server that is down.
   */
  callTimeoutMs: number;
  /** Where each scheduler's runtime watcher and metrics reporter run. */
  supervision: SupervisionSettings;
}

/**
 * Operations as Temporal workflows: signal-with-start to queue, queries to read, cancel to cancel.
 * Every call has a deadline; one that passes it, or finds the server unreachable, fails with
 * TemporalUnavailableError (UNAVAILABLE).
 */
export class TemporalOperationQueue implements OperationQueue {
  constructor(
    private readonly client: Client,
    private readonly config: TemporalOperationQueueConfig,
  ) {}

  /** Runs one call to Temporal within the deadline, turning an outage into UNAVAILABLE. */
  private async call<T>(
    call: Omit<TemporalCall, 'timeoutMs'> & { timeoutMs?: number },
    fn: () => Promise<T>,
  ): Promise<T> {
    const timeoutMs = Math.min(call.timeoutMs ?? Infinity, this.config.callTimeoutMs);
    try {
      return await this.client.connection.withDeadline(Date.now() + timeoutMs, fn);
    } catch (error) {
      throw toTemporalError(error, { ...call, timeoutMs });
    }
  }

  async enqueue<N extends OperationName>(
    schedulerName: string,
    definitionName: N,
    input: OperationInput<N>,
    { operationId, actor, schedulerFacts }: EnqueueOptions = {},
  ) {
    const id = operationId ?? randomUUID();
    const unknownOutcome = operationId
      ? `operation ${id} may or may not be queued; repeating the request cannot queue it twice`
      : `operation ${id} may or may not be queued: list the operations of scheduler ${schedulerName} before repeating the request`;
    const action = `queueing ${definitionName} for scheduler ${schedulerName}`;
    await this.call({ action, unknownOutcome }, () =>
      this.signalWithStart(schedulerName, {
        id,
        definitionName,
        input,
        createdAt: new Date().toISOString(),
        ...(actor && { actor }),
        ...(schedulerFacts && { schedulerFacts }),
      }),
    );
    return id;
  }

  /**
   * Queues the request, starting the scheduler's workflow when it is not running. Its summary in
   * the Temporal UI (user metadata) is set when it starts; later signals do not change it.
   */
  private async signalWithStart(schedulerName: string, request: EnqueueOperationRequest) {
    const game = request.schedulerFacts?.game;
    await this.client.workflow.signalWithStart<typeof schedulerWorkflow, [EnqueueOperationRequest]>(
      'schedulerWorkflow',
      {
        workflowId: schedulerWorkflowId(schedulerName),
        taskQueue: this.config.taskQueue,
        staticSummary: schedulerWorkflowSummary(schedulerName, game),
        staticDetails: schedulerWorkflowDetails(schedulerName, game),
        args: [
          {
            schedulerName,
            ...(game !== undefined && { game }),
            healthControllerIntervalMs: this.config.healthControllerIntervalMs,
            finishedOperationsLimit: this.config.finishedOperationsLimit,
            supervision: this.config.supervision,
          },
        ],
        signal: enqueueOperationSignal,
        signalArgs: [request],
        typedSearchAttributes: [{ key: schedulerNameKey, value: schedulerName }],
      },
    );
  }

  /**
   * Active operations come with their lease (`leaseTtl`, see `leaseOf`). The listing is a query of
   * the scheduler workflow: with no worker answering it is UNAVAILABLE after the query deadline.
   */
  async list(schedulerName: string): Promise<OperationsByStage> {
    const stages = await this.querySchedulerWorkflow(schedulerName, listOperationsQuery);
    if (!stages) return { pending: [], active: [], finished: [] };
    const active = await Promise.all(
      stages.active.map(async (operation) => ({
        ...operation,
        leaseTtl: await this.leaseOf(operation.id),
      })),
    );
    return { ...stages, active };
  }

  /**
   * A query answering with one summary at most, not the listing (the conflict check of every
   * version change). A worker on code from before this query (a rolling deploy) has no handler
   * for it: the listing answers then.
   */
  async ongoingVersionOperation(schedulerName: string): Promise<OperationSummary | undefined> {
    try {
      const ongoing = await this.querySchedulerWorkflow(
        schedulerName,
        ongoingVersionOperationQuery,
      );
      return ongoing ?? undefined;
    } catch (error) {
      if (!(error instanceof QueryNotRegisteredError)) throw error;
    }
    // The listing's query alone: the active operations' leases (a describe each) are not needed.
    const stages = await this.querySchedulerWorkflow(schedulerName, listOperationsQuery);
    return stages && firstVersionOperation([...stages.pending, ...stages.active]);
  }

  /**
   * Queries the scheduler's workflow (read-your-writes: Temporal answers once the signals before
   * it are applied). Undefined when no such workflow exists; UNAVAILABLE when no worker answers.
   */
  private async querySchedulerWorkflow<T>(
    schedulerName: string,
    query: QueryDefinition<T>,
  ): Promise<T | undefined> {
    const action = `listing the operations of scheduler ${schedulerName} (no operation worker answered, or the Temporal server is down)`;
    try {
      return await this.call({ action }, () =>
        this.client.workflow.getHandle(schedulerWorkflowId(schedulerName)).query(query),
      );
    } catch (error) {
      // An id Temporal cannot even look up (too long…) names no scheduler workflow either.
      if (error instanceof WorkflowNotFoundError || isInvalidArgument(error)) return undefined;
      if (isNoWorkerPolling(error)) {
        throw new DomainError(
          ErrorCode.UNAVAILABLE,
          `operations of scheduler ${schedulerName} cannot be listed now: no operation worker answered (Temporal has seen no worker poll its task queue recently); retry`,
          { cause: error },
        );
      }
      throw error;
    }
  }

  /** The operation's lease (see `operationLeaseTtl`), or undefined when it has none. */
  private async leaseOf(operationId: string): Promise<string | undefined> {
    try {
      const { raw } = await this.call({ action: `reading operation ${operationId}` }, () =>
        this.client.workflow.getHandle(operationId).describe(),
      );
      return operationLeaseTtl(raw.pendingActivities ?? []);
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return undefined;
      throw error;
    }
  }

  /**
   * A completed operation (`finished`, `error`) is read from its workflow's result, which is its
   * details: no worker replays it. A running, pending or canceled one answers a query; while it is
   * still being started the queue's row stands in, and while no worker can answer (all down) its
   * search attributes do.
   */
  async get(schedulerName: string, operationId: string): Promise<OperationDetails | undefined> {
    const handle = this.client.workflow.getHandle(operationId);
    const action = `reading operation ${operationId}`;
    let description: WorkflowExecutionDescription;
    try {
      description = await this.call({ action }, () => handle.describe());
    } catch (error) {
      // An id Temporal cannot even look up (too long…) names no operation.
      if (isInvalidArgument(error)) return undefined;
      if (!(error instanceof WorkflowNotFoundError)) throw error;
      return this.queuedDetails(schedulerName, operationId);
    }
    if (description.typedSearchAttributes.get(schedulerNameKey) !== schedulerName) return undefined;
    if (description.status.name === 'COMPLETED') {
      const result: unknown = await this.call({ action }, () => handle.result());
      // Operations completed by older code returned only their summary.
      if (isOperationDetails(result)) return result;
    }
    try {
      return await this.call({ action, timeoutMs: QUERY_TIMEOUT_MS }, () =>
        handle.query(getOperationQuery),
      );
    } catch {
      return detailsFromSearchAttributes(schedulerName, operationId, description);
    }
  }

  /**
   * The canceler is signaled to the operation first, so the workflow knows it when the
   * cancellation reaches it (a signal and then a cancel request arrive in that order).
   */
  async cancel(
    schedulerName: string,
    operationId: string,
    canceledBy?: OperationActor,
  ): Promise<void> {
    const operation = await this.get(schedulerName, operationId);
    if (!operation) {
      throw new DomainError(
        ErrorCode.NOT_FOUND,
        `operation ${operationId} not found for scheduler ${schedulerName}`,
      );
    }
    if (isFinalStatus(operation.status)) {
      throw new DomainError(
        ErrorCode.CONFLICT,
        `cannot cancel operation since status "${operation.status}" is a final status`,
      );
    }
    await this.whenStarted(operationId);
    const handle = this.client.workflow.getHandle(operationId);
    const action = `canceling operation ${operationId}`;
    if (canceledBy) {
      await this.call({ action }, () => handle.signal(recordCancelerSignal, canceledBy));
    }
    await this.call({ action }, () => handle.cancel());
  }

  /** An operation whose workflow the scheduler workflow has not started yet. */
  private async queuedDetails(
    schedulerName: string,
    operationId: string,
  ): Promise<OperationDetails | undefined> {
    const queued = (await this.list(schedulerName)).pending.find((op) => op.id === operationId);
    return (
      queued && {
        ...queued,
        input: {},
        executionHistory: [{ createdAt: queued.createdAt, event: 'Created' }],
      }
    );
  }

  /**
   * An operation's workflow is started by its scheduler workflow right after the enqueue signal;
   * a cancel arriving in between waits for it (briefly: a worker must be running).
   */
  private async whenStarted(operationId: string): Promise<void> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      try {
        await this.call({ action: `reading operation ${operationId}` }, () =>
          this.client.workflow.getHandle(operationId).describe(),
        );
        return;
      } catch (error) {
        if (!(error instanceof WorkflowNotFoundError)) throw error;
        if (Date.now() > deadline) {
          throw new DomainError(
            ErrorCode.UNAVAILABLE,
            `operation ${operationId} has not started yet; retry`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  }
}

/** What Temporal itself records of an operation: its search attributes and times, no history. */
function detailsFromSearchAttributes(
  schedulerName: string,
  operationId: string,
  description: WorkflowExecutionDescription,
): OperationDetails {
  const attributes = description.typedSearchAttributes;
  const createdAt = description.startTime.toISOString();
  return {
    id: operationId,
    schedulerName,
    definitionName: attributes.get(operationDefinitionKey) ?? '',
    status: (attributes.get(operationStatusKey) ?? OperationStatus.PENDING) as OperationStatus,
    createdAt,
    updatedAt: (description.closeTime ?? description.startTime).toISOString(),
    hasNoAction: false,
    input: {},
    executionHistory: [{ createdAt, event: 'Created' }],
  };
}

function isOperationDetails(value: unknown): value is OperationDetails {
  return (
    typeof value === 'object' &&
    value !== null &&
    Array.isArray((value as Partial<OperationDetails>).executionHistory)
  );
}

/**
 * How Temporal answers a query no worker takes, besides the deadline passing: early, with
 * FAILED_PRECONDITION `no poller seen for task queue recently, worker may be down`, once no worker
 * has polled the workflow's task queue for a while; or with the stream reset (CANCELLED).
 */
function isNoWorkerPolling(error: unknown): boolean {
  const cause = error instanceof ServiceError ? error.cause : error;
  return (
    isGrpcServiceError(cause) &&
    (cause.code === grpcStatus.FAILED_PRECONDITION || cause.code === grpcStatus.CANCELLED)
  );
}

function isInvalidArgument(error: unknown): boolean {
  const cause = error instanceof ServiceError ? error.cause : error;
  return isGrpcServiceError(cause) && cause.code === grpcStatus.INVALID_ARGUMENT;
}
