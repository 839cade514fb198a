import { ApplicationFailure } from '@temporalio/workflow';
import { isOperationName, OperationName } from '../../src/domain/operations/definitions';
import { addRooms } from './add-rooms';
import { createNewSchedulerVersion } from './create-new-scheduler-version';
import { createScheduler } from './create-scheduler';
import { deleteScheduler } from './delete-scheduler';
import { healthController } from './health-controller';
import { removeRooms } from './remove-rooms';
import { switchActiveVersion } from './switch-active-version';

/** What an operation's steps may do to their operation besides calling activities. */
export interface OperationContext {
  schedulerName: string;
  operationId: string;
  /** Appends a line to the execution history users see. */
  record: (event: string) => void;
  /** Merges into the input users see (Maestro shows e.g. `took_action` there). */
  setInput: (patch: Record<string, unknown>) => void;
  /** The run changed nothing: it is left out of the final listing. */
  markNoAction: () => void;
}

/** An operation definition's steps: `execute`, and `rollback` after a failure or a cancellation. */
export interface OperationExecutor {
  execute(context: OperationContext, input: Record<string, unknown>): Promise<void>;
  rollback(context: OperationContext, input: Record<string, unknown>): Promise<void>;
}

export function executorFor(definitionName: string): OperationExecutor {
  if (!isOperationName(definitionName)) {
    throw ApplicationFailure.nonRetryable(
      `unknown operation ${definitionName}`,
      'INVALID_ARGUMENT',
    );
  }
  switch (definitionName) {
    case OperationName.CREATE_SCHEDULER:
      return createScheduler;
    case OperationName.CREATE_NEW_SCHEDULER_VERSION:
      return createNewSchedulerVersion;
    case OperationName.SWITCH_ACTIVE_VERSION:
      return switchActiveVersion;
    case OperationName.DELETE_SCHEDULER:
      return deleteScheduler;
    case OperationName.ADD_ROOMS:
      return addRooms;
    case OperationName.REMOVE_ROOMS:
      return removeRooms;
    case OperationName.HEALTH_CONTROLLER:
      return healthController;
  }
}
