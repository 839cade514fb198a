import { ApplicationFailure } from '@temporalio/workflow';
import { OperationName } from '../../src/domain/operations/definitions';
import type { Scheduler } from '../../src/domain/scheduler/scheduler';
import { activityProxy, localActivityProxy, waitingActivityProxy } from './activity-proxies';
import { enqueueFollowUp } from './follow-up';
import type { OperationContext, OperationExecutor } from './operation-executor';
import { newRoomId } from './room-ids';

/** Maestro's roomValidationAttempts (the timeout of each is the worker's configuration). */
const VALIDATION_ATTEMPTS = 3;

/**
 * Stores a new version of the scheduler and enqueues the switch to it. A major version (one that
 * replaces rooms) first proves itself: a validation room of the new spec must reach ready within
 * the timeout, in one of three attempts.
 */
export const createNewSchedulerVersion: OperationExecutor<
  typeof OperationName.CREATE_NEW_SCHEDULER_VERSION
> = {
  async execute(context, { scheduler }) {
    const { schedulerName, record } = context;
    const prepared = await localActivityProxy.prepareSchedulerVersion({ schedulerName, scheduler });
    record(`new version ${prepared.version} is ${prepared.isMajor ? 'major' : 'minor'}`);
    if (prepared.isMajor) await validate(context, prepared.scheduler);
    await localActivityProxy.saveSchedulerVersion({ schedulerName, scheduler: prepared.scheduler });
    const switchOperationId = await enqueueFollowUp(context, OperationName.SWITCH_ACTIVE_VERSION, {
      newActiveVersion: prepared.version,
    });
    record(`enqueued switch active version operation with id: ${switchOperationId}`);
  },
  async rollback({ schedulerName }) {
    await localActivityProxy.setSchedulerState({ schedulerName, state: 'in-sync' });
  },
};

async function validate(context: OperationContext, scheduler: Scheduler) {
  const { schedulerName, record } = context;
  for (let attempt = 1; attempt <= VALIDATION_ATTEMPTS; attempt++) {
    const roomId = newRoomId(schedulerName);
    record(`validation attempt ${attempt}: creating validation room ${roomId}`);
    try {
      await activityProxy.createRooms({
        schedulerName,
        roomIds: [roomId],
        scheduler,
        isValidationRoom: true,
      });
      const status = await waitingActivityProxy.awaitRoomReady({ schedulerName, roomId });
      if (status === 'ready') {
        record(`validation room ${roomId} became ready`);
        return;
      }
      record(`validation room ${roomId} did not become ready: ${status}`);
    } finally {
      await activityProxy.deleteRooms({
        schedulerName,
        roomIds: [roomId],
        reason: 'new_version_validation_finished',
      });
    }
  }
  throw ApplicationFailure.nonRetryable(
    `the new version's room did not become ready in ${VALIDATION_ATTEMPTS} attempts`,
    'VALIDATION_FAILED',
  );
}
