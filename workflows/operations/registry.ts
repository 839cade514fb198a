import { ApplicationFailure } from '@temporalio/workflow';
import { DomainError } from '../../src/domain/errors';
import {
  isOperationName,
  parseOperationInput,
  type OperationName,
} from '../../src/domain/operations/definitions';
import { addRooms } from './add-rooms';
import { createNewSchedulerVersion } from './create-new-scheduler-version';
import { createScheduler } from './create-scheduler';
import { deleteScheduler } from './delete-scheduler';
import { healthController } from './health-controller';
import type { OperationContext, OperationExecutor } from './operation-executor';
import { removeRooms } from './remove-rooms';
import { switchActiveVersion } from './switch-active-version';

/**
 * Every definition's executor. Its type makes the compiler refuse a definition without an
 * executor, an executor for an unknown definition, and an executor typed by another's input.
 */
export const operationExecutors: { [N in OperationName]: OperationExecutor<N> } = {
  create_scheduler: createScheduler,
  create_new_scheduler_version: createNewSchedulerVersion,
  switch_active_version: switchActiveVersion,
  delete_scheduler: deleteScheduler,
  add_rooms: addRooms,
  remove_rooms: removeRooms,
  health_controller: healthController,
};

/** An operation whose input passed its definition's schema, bound to its executor. */
export interface RunnableOperation {
  execute(context: OperationContext): Promise<void>;
  rollback(context: OperationContext): Promise<void>;
}

/**
 * The operation `definitionName` with `input`, ready to run. The input arrives from workflow
 * history (an API's signal, a follow-up, a hand-made `temporal workflow signal`, code of an older
 * release), so this is where it is checked, once: a wrong one fails with `INVALID_ARGUMENT`
 * naming the field and its rule.
 */
export function runnableOperation(definitionName: string, input: unknown): RunnableOperation {
  if (!isOperationName(definitionName)) {
    throw ApplicationFailure.nonRetryable(
      `unknown operation ${definitionName}`,
      'INVALID_ARGUMENT',
    );
  }
  return bind(definitionName, input);
}

function bind<N extends OperationName>(definitionName: N, input: unknown): RunnableOperation {
  const executor: OperationExecutor<N> = operationExecutors[definitionName];
  const checked = checkedInput(definitionName, input);
  return {
    execute: (context) => executor.execute(context, checked),
    rollback: (context) => executor.rollback(context, checked),
  };
}

/** Workflows fail only with `ApplicationFailure`: the domain's error becomes one, non-retryable. */
function checkedInput<N extends OperationName>(definitionName: N, input: unknown) {
  try {
    return parseOperationInput(definitionName, input);
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    throw ApplicationFailure.create({
      message: error.message,
      type: error.code,
      nonRetryable: true,
      cause: error,
    });
  }
}
