import type { OperationExecutor } from '.';
import { OperationName, operationInputSchemas } from '../../src/domain/operations/definitions';
import { activities } from './activities';

const inputSchema = operationInputSchemas[OperationName.REMOVE_ROOMS];

/** Removes the listed rooms, then `amount` more chosen by deletion priority. No rollback. */
export const removeRooms: OperationExecutor = {
  async execute({ schedulerName, record }, input) {
    const { amount, rooms_ids: roomIds, reason } = inputSchema.parse(input);
    if (roomIds && roomIds.length > 0) {
      await activities.deleteRooms({ schedulerName, roomIds, reason });
      record(`removed rooms: [${roomIds.join(' ')}]`);
    }
    if (amount > 0) {
      const chosen = await activities.pickRoomsToRemove({
        schedulerName,
        amount,
        exclude: roomIds ?? [],
      });
      await activities.deleteRooms({ schedulerName, roomIds: chosen, reason });
      record(`removed ${chosen.length} rooms`);
    }
  },
  async rollback() {
    // Deleted rooms are not brought back; the health controller restores the count.
  },
};
