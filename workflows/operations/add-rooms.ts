import { ActivityFailure, ApplicationFailure } from '@temporalio/workflow';
import { OperationName } from '../../src/domain/operations/definitions';
import { activityProxy } from './activity-proxies';
import type { OperationExecutor } from './operation-executor';
import { chunk, newRoomId } from './room-ids';

/** Rooms one operation creates at most (Maestro's operations.rooms.add.limit). */
export const ADD_ROOMS_LIMIT = 1000;
/** Rooms per creation step; the steps run in parallel (Maestro's batchSize). */
export const ADD_ROOMS_BATCH_SIZE = 40;

/**
 * Creates `amount` rooms of the active version (capped), in parallel batches. The room ids are
 * decided here, before any step runs, so retries after a crash create exactly these rooms.
 * There is no rollback, as in Maestro: rooms already created are kept and reconciled later.
 */
export const addRooms: OperationExecutor<typeof OperationName.ADD_ROOMS> = {
  async execute({ schedulerName, record }, { amount }) {
    const roomIds = Array.from({ length: Math.min(amount, ADD_ROOMS_LIMIT) }, () =>
      newRoomId(schedulerName),
    );
    const outcomes = await Promise.allSettled(
      chunk(roomIds, ADD_ROOMS_BATCH_SIZE).map((batch) =>
        activityProxy.createRooms({
          schedulerName,
          roomIds: batch,
          operation: OperationName.ADD_ROOMS,
        }),
      ),
    );
    const failures = outcomes.filter((outcome) => outcome.status === 'rejected');
    if (failures.length > 0) {
      const reason = activityErrorMessage(failures[0]!.reason);
      throw ApplicationFailure.nonRetryable(
        `${failures.length} of ${outcomes.length} batches of rooms failed, first error: ${reason}`,
        'ADD_ROOMS_FAILED',
      );
    }
    record(`added ${roomIds.length} rooms`);
  },
  async rollback() {
    // Maestro keeps what was created; the health controller reconciles the count.
  },
};

/** What went wrong in the activity: its own error, not the wrapper's `Activity task failed`. */
function activityErrorMessage(error: unknown): string {
  if (error instanceof ActivityFailure && error.cause) return error.cause.message;
  return error instanceof Error ? error.message : String(error);
}
