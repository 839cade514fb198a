import { planTakesAction } from '../../src/domain/health/health-plan';
import { OperationName, type OperationInput } from '../../src/domain/operations/definitions';
import { localActivityProxy } from './activity-proxies';
import { enqueueFollowUp } from './follow-up';
import type { OperationExecutor } from './operation-executor';

/** Maestro's remove reasons the health controller uses. */
const RemoveReason = {
  EXPIRED: 'expired_room',
  SCALE_DOWN: 'scale_down',
  ROLLING_UPDATE: 'rolling_update_replace',
} as const;

/**
 * The reconciler (Maestro's `health_controller`): removes expired rooms, keeps the desired number
 * of rooms (roomsReplicas or the autoscaler) and rolls rooms over to a new major version, by
 * queueing `remove_rooms` and `add_rooms` in the priority lane. The scheduler workflow enqueues
 * it only when its periodic check finds something to do; a run that finds nothing after all is
 * recorded with `took_action: false` and stays out of the final listing. A webhook decision that
 * changed source or problem (an autoscaler event) is written to the history even when no room
 * changes.
 */
export const healthController: OperationExecutor<typeof OperationName.HEALTH_CONTROLLER> = {
  async execute(context) {
    const { schedulerName, record, setInput, markNoAction } = context;
    const plan = await localActivityProxy.planHealthActions({ schedulerName });
    // A webhook event (its source or problem changed) is recorded even with no room to change.
    if (!plan || (!planTakesAction(plan) && plan.autoscalerEventAt === undefined)) {
      setInput({ took_action: false });
      markNoAction();
      return;
    }
    const remove = async (
      input: OperationInput<typeof OperationName.REMOVE_ROOMS>,
      count: number,
    ) => {
      const id = await enqueueFollowUp(context, OperationName.REMOVE_ROOMS, input);
      record(`created operation (id: ${id}) to remove ${count} rooms.`);
    };
    if (plan.expired.length > 0) {
      await remove(
        { amount: 0, rooms_ids: plan.expired, reason: RemoveReason.EXPIRED },
        plan.expired.length,
      );
    }
    if (plan.replace.length > 0) {
      await remove(
        { amount: 0, rooms_ids: plan.replace, reason: RemoveReason.ROLLING_UPDATE },
        plan.replace.length,
      );
    }
    if (plan.scaleDown > 0) {
      await remove(
        { amount: plan.scaleDown, rooms_ids: null, reason: RemoveReason.SCALE_DOWN },
        plan.scaleDown,
      );
    }
    if (plan.add > 0) {
      const id = await enqueueFollowUp(
        context,
        OperationName.ADD_ROOMS,
        { amount: plan.add },
        { version: plan.activeVersion },
      );
      record(`created operation (id: ${id}) to add ${plan.add} rooms.`);
    }
    record(
      `desired rooms: ${plan.desired}, available: ${plan.available}` +
        (plan.isRollingUpdate ? `, rolling update to ${plan.activeVersion}` : ''),
    );
    if (plan.autoscaler?.reason) {
      record(`autoscaler (${plan.autoscaler.source}): ${plan.autoscaler.reason}`);
    }
    setInput({ took_action: true });
  },
  async rollback() {
    // Queued operations run on their own; nothing to undo.
  },
};
