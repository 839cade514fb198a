import { OperationName } from '../../src/domain/operations/definitions';
import { activityProxy } from './activity-proxies';
import type { OperationExecutor } from './operation-executor';

const { REMOVE_ROOMS } = OperationName;

/** Removes the listed rooms, then `amount` more chosen by deletion priority. No rollback. */
export const removeRooms: OperationExecutor<typeof OperationName.REMOVE_ROOMS> = {
  async execute({ schedulerName, record }, { amount, rooms_ids: roomIds, reason }) {
    if (roomIds && roomIds.length > 0) {
      await activityProxy.deleteRooms({ schedulerName, roomIds, reason, operation: REMOVE_ROOMS });
      record(`removed rooms: [${roomIds.join(' ')}]`);
    }
    if (amount > 0) {
      const chosen = await activityProxy.pickRoomsToRemove({
        schedulerName,
        amount,
        exclude: roomIds ?? [],
      });
      await activityProxy.deleteRooms({
        schedulerName,
        roomIds: chosen,
        reason,
        operation: REMOVE_ROOMS,
      });
      record(`removed ${chosen.length} rooms`);
    }
  },
  async rollback() {
    // Deleted rooms are not brought back; the health controller restores the count.
  },
};
