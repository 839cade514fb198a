import { DomainError, ErrorCode } from '../domain/errors';
import { ANONYMOUS_ACTOR, type OperationActor } from '../domain/operations/actor';
import type { OperationDetails } from '../domain/operations/operation';
import type { OperationQueue } from '../ports/operation-queue';
import {
  listOperations,
  type ListOperationsRequest,
  type ListOperationsResult,
} from './list-operations';

/** The operations service's use cases, shared by HTTP and gRPC. */
export class OperationCommands {
  constructor(private readonly operations: OperationQueue) {}

  list(request: ListOperationsRequest): Promise<ListOperationsResult> {
    return listOperations(this.operations, request);
  }

  async get(schedulerName: string, operationId: string): Promise<OperationDetails> {
    requireOperationId(operationId);
    const operation = await this.operations.get(schedulerName, operationId);
    if (!operation)
      throw new DomainError(ErrorCode.NOT_FOUND, `operation ${operationId} not found`);
    return operation;
  }

  /**
   * Pending: leaves the queue as canceled. Running: rolls back, ends canceled. Final: CONFLICT.
   * The operation records `actor` as the one who canceled it.
   */
  async cancel(
    schedulerName: string,
    operationId: string,
    actor: OperationActor = ANONYMOUS_ACTOR,
  ): Promise<void> {
    requireOperationId(operationId);
    return this.operations.cancel(schedulerName, operationId, actor);
  }
}

/** A gRPC request may leave the id out (HTTP routes always carry one). */
function requireOperationId(operationId: string) {
  if (operationId === '') {
    throw new DomainError(
      ErrorCode.INVALID_ARGUMENT,
      'Validation Error:\noperationId: must not be empty',
    );
  }
}
