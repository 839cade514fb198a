import type { OperationExecutor } from '.';
import { OperationName, operationInputSchemas } from '../../src/domain/operations/definitions';
import { localActivities } from './activities';

const inputSchema = operationInputSchemas[OperationName.SWITCH_ACTIVE_VERSION];

/**
 * Makes a stored version the active one. Rooms are not touched here: the health controller rolls
 * them over to the new version.
 */
export const switchActiveVersion: OperationExecutor = {
  async execute({ schedulerName, record }, input) {
    const { newActiveVersion } = inputSchema.parse(input);
    await localActivities.switchActiveVersion({ schedulerName, version: newActiveVersion });
    record(`switched active version to ${newActiveVersion}`);
  },
  async rollback() {
    // A single atomic step: nothing to undo.
  },
};
