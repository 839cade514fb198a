import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { DomainError, ErrorCode } from '../../domain/errors';
import type { OperationName } from '../../domain/operations/definitions';
import { isFinalStatus, type OperationDetails } from '../../domain/operations/operation';
import type { OperationQueue, OperationsByStage } from '../../ports/operation-queue';
import {
  enqueueOperationSignal,
  getOperationQuery,
  listOperationsQuery,
  schedulerWorkflowId,
  type EnqueueOperationRequest,
} from '../../../workflows/messages';
import type { schedulerWorkflow } from '../../../workflows/scheduler-workflow';
import { schedulerNameKey } from '../../../workflows/search-attributes';

export interface TemporalOperationQueueConfig {
  taskQueue: string;
  healthControllerIntervalMs: number;
  finishedOperationsLimit: number;
}

/** Operations as Temporal workflows: signal-with-start to queue, queries to read, cancel to cancel. */
export class TemporalOperationQueue implements OperationQueue {
  constructor(
    private readonly client: Client,
    private readonly config: TemporalOperationQueueConfig,
  ) {}

  async enqueue(
    schedulerName: string,
    definitionName: OperationName,
    input: Record<string, unknown>,
  ) {
    const id = randomUUID();
    await this.client.workflow.signalWithStart<typeof schedulerWorkflow, [EnqueueOperationRequest]>(
      'schedulerWorkflow',
      {
        workflowId: schedulerWorkflowId(schedulerName),
        taskQueue: this.config.taskQueue,
        args: [
          {
            schedulerName,
            healthControllerIntervalMs: this.config.healthControllerIntervalMs,
            finishedOperationsLimit: this.config.finishedOperationsLimit,
          },
        ],
        signal: enqueueOperationSignal,
        signalArgs: [{ id, definitionName, input, createdAt: new Date().toISOString() }],
        typedSearchAttributes: [{ key: schedulerNameKey, value: schedulerName }],
      },
    );
    return id;
  }

  async list(schedulerName: string): Promise<OperationsByStage> {
    try {
      return await this.client.workflow
        .getHandle(schedulerWorkflowId(schedulerName))
        .query(listOperationsQuery);
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return { pending: [], active: [], finished: [] };
      throw error;
    }
  }

  /** Falls back to the queue's row while the operation's workflow is still being started. */
  async get(schedulerName: string, operationId: string): Promise<OperationDetails | undefined> {
    try {
      const details = await this.client.workflow.getHandle(operationId).query(getOperationQuery);
      return details.schedulerName === schedulerName ? details : undefined;
    } catch (error) {
      if (!(error instanceof WorkflowNotFoundError)) throw error;
      const queued = (await this.list(schedulerName)).pending.find((op) => op.id === operationId);
      return (
        queued && {
          ...queued,
          input: {},
          executionHistory: [{ createdAt: queued.createdAt, event: 'Created' }],
        }
      );
    }
  }

  async cancel(schedulerName: string, operationId: string): Promise<void> {
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
    await this.client.workflow.getHandle(operationId).cancel();
  }

  /**
   * An operation's workflow is started by its scheduler workflow right after the enqueue signal;
   * a cancel arriving in between waits for it (briefly: a worker must be running).
   */
  private async whenStarted(operationId: string): Promise<void> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      try {
        await this.client.workflow.getHandle(operationId).describe();
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
