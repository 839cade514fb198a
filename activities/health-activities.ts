import { readAutoscalerInputs } from '../src/app/autoscaler-inputs';
import {
  askWebhookIfDue,
  type WebhookAsk,
  type WebhookAskDeps,
} from '../src/app/autoscaler-webhook';
import type { HealthTimeouts } from '../src/domain/health/health-plan';
import {
  countByStatus,
  planHealth,
  planTakesAction,
  type HealthPlan,
} from '../src/domain/health/health-plan';
import type { AutoscalerState } from '../src/ports/autoscaler-state';
import type { RoomStore } from '../src/ports/room-store';
import type { SchedulerCacheInvalidator } from '../src/ports/scheduler-cache';
import type { SchedulerStore } from '../src/ports/scheduler-store';

export interface HealthActivityDeps {
  schedulers: SchedulerStore;
  rooms: RoomStore;
  cacheInvalidator: SchedulerCacheInvalidator;
  timeouts: HealthTimeouts;
  /** The autoscaler's memory: activity (scale to zero), webhook decisions, waiting allocations. */
  autoscaler: AutoscalerState;
  /**
   * The autoscaling webhook's client, given only when no health watch runs (its interval is 0):
   * then the periodic check asks the webhook in force (when its interval has passed). With a
   * health watch, the watch is the webhook's one caller and the check reads its stored decision.
   */
  webhooks?: Omit<WebhookAskDeps, 'autoscaler'>;
  /** The clock of autoscaling schedules and idle times (tests move it); default: real time. */
  autoscalingClock?: () => Date;
}

/** What the health controller decided, without the rooms it looked at. */
export type HealthDecision = HealthPlan & {
  activeVersion: string;
  /**
   * The webhook's decision changed source or problem at this instant (ISO) and no operation has
   * recorded it yet: the health_controller records its autoscaler line even with nothing to do.
   */
  autoscalerEventAt?: string;
};

/** The scheduler workflow's periodic check. */
export interface HealthCheck {
  /** The health_controller operation would act. */
  takesAction: boolean;
  /** The scheduler is not stored (a creation rolled back): its workflow has nothing to keep. */
  isSchedulerGone: boolean;
}

/**
 * The health controller's reads: the scheduler and its rooms (their summaries, from the room
 * index: one Redis read), then the plan (`planHealth`).
 */
export function createHealthActivities(deps: HealthActivityDeps) {
  const { schedulers, rooms, timeouts } = deps;

  async function plan(
    schedulerName: string,
    options: { asksWebhook: boolean },
  ): Promise<HealthDecision | undefined> {
    const scheduler = await schedulers.getScheduler(schedulerName);
    if (!scheduler) return undefined;
    const summaries = await rooms.listRoomSummaries(schedulerName);
    const now = new Date();
    const own = summaries.filter((room) => !room.isValidationRoom);
    const counts = countByStatus(own);
    let asked: WebhookAsk | undefined;
    if (options.asksWebhook && deps.webhooks) {
      const occupancy = {
        counts,
        runningMatches: own.reduce((sum, room) => sum + room.runningMatches, 0),
        maxMatches: scheduler.matchAllocation.maxMatches,
      };
      asked = await askWebhookIfDue(
        { ...deps.webhooks, autoscaler: deps.autoscaler },
        scheduler,
        occupancy,
        now,
        deps.autoscalingClock?.(),
      );
    }
    const { inputs, webhookEventAt } = await readAutoscalerInputs(
      deps.autoscaler,
      scheduler,
      counts,
      now,
      { recordsActivity: true, at: deps.autoscalingClock?.(), snapshot: asked?.snapshot },
    );
    const decision = planHealth(scheduler, summaries, timeouts, now, inputs);
    return {
      ...decision,
      activeVersion: scheduler.spec.version,
      ...(webhookEventAt !== undefined && { autoscalerEventAt: webhookEventAt }),
    };
  }

  return {
    /**
     * The scheduler workflow's periodic check, cheap enough to run every interval: whether the
     * health controller would act, or has a webhook event to record. Only then is the
     * health_controller operation enqueued.
     */
    async checkHealth(input: { schedulerName: string }): Promise<HealthCheck> {
      const decision = await plan(input.schedulerName, { asksWebhook: true });
      if (!decision) return { takesAction: false, isSchedulerGone: true };
      const takesAction = planTakesAction(decision) || decision.autoscalerEventAt !== undefined;
      return { takesAction, isSchedulerGone: false };
    },

    /**
     * The health_controller operation's decision, on fresh reads. An autoscaler downscale is
     * recorded (its time starts the cooldown) before the rooms are removed. A webhook event is
     * taken as recorded here (the operation writes its line next; a crash in between loses it).
     */
    async planHealthActions(input: { schedulerName: string }): Promise<HealthDecision | undefined> {
      const decision = await plan(input.schedulerName, { asksWebhook: false });
      if (decision?.isAutoscalerDownscale && decision.scaleDown > 0) {
        await schedulers.setLastDownscaleAt(input.schedulerName, new Date().toISOString());
        await deps.cacheInvalidator.invalidate(input.schedulerName);
      }
      if (decision?.autoscalerEventAt !== undefined)
        await deps.autoscaler.clearWebhookEvent(input.schedulerName, decision.autoscalerEventAt);
      return decision;
    },
  };
}
