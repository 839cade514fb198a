import type { OperationName } from '../../src/domain/operations/definitions';
import { localActivityProxy } from './activity-proxies';
import type { OperationExecutor } from './operation-executor';

/**
 * Makes a stored version the active one. Rooms are not touched here: the health controller rolls
 * them over to the new version.
 */
export const switchActiveVersion: OperationExecutor<typeof OperationName.SWITCH_ACTIVE_VERSION> = {
  async execute({ schedulerName, record }, { newActiveVersion }) {
    await localActivityProxy.switchActiveVersion({ schedulerName, version: newActiveVersion });
    record(`switched active version to ${newActiveVersion}`);
  },
  async rollback() {
    // A single atomic step: nothing to undo.
  },
};
