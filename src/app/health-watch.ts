import type { Logger } from 'pino';
import { RoomStatus } from '../domain/game-room/status';
import {
  countByStatus,
  isExpired,
  planHealth,
  planTakesAction,
  withGracePeriod,
  type HealthPlan,
  type HealthRoom,
  type HealthTimeouts,
} from '../domain/health/health-plan';
import { policyInForce } from '../domain/autoscaling/decide';
import type { Scheduler } from '../domain/scheduler/scheduler';
import type { AutoscalerState } from '../ports/autoscaler-state';
import type { AutoscalerWebhookMetrics, AutoscalingWebhook } from '../ports/autoscaling-webhook';
import type { HealthNudger } from '../ports/health-nudger';
import type { RoomStore } from '../ports/room-store';
import type { SchedulerCache } from '../ports/scheduler-cache';
import type { SchedulerStore } from '../ports/scheduler-store';
import { readAutoscalerInputs } from './autoscaler-inputs';
import { askWebhookIfDue } from './autoscaler-webhook';
import type { SupervisedWorkOutcome } from './supervised-work';

export interface HealthWatchDeps {
  /** The scheduler as the hot paths see it (cached; invalidated when it changes). */
  schedulerCache: SchedulerCache;
  /** The stored scheduler: asked only to confirm that one the cache does not know is gone. */
  schedulers: Pick<SchedulerStore, 'getScheduler'>;
  /** The room index's summaries (what the plan reads) and its change counter. */
  rooms: Pick<RoomStore, 'listRoomSummaries' | 'roomChanges'>;
  nudger: HealthNudger;
  /** The autoscaler's memory: activity (scale to zero), webhook decisions, waiting allocations. */
  autoscaler: Pick<
    AutoscalerState,
    'snapshot' | 'markActive' | 'recordWebhookDecision' | 'webhookHistory'
  >;
  /** The autoscaling webhooks' client: the watch is the one caller of its scheduler's webhook. */
  webhook: AutoscalingWebhook;
  webhookMetrics: AutoscalerWebhookMetrics;
  /** The clock of autoscaling schedules and idle times (tests move it); default: real time. */
  autoscalingClock?: () => Date;
  timeouts: HealthTimeouts;
  log: Pick<Logger, 'warn' | 'debug'>;
  /** Longest time between two evaluations (room status changes from pings are seen this late). */
  healthWatchIntervalMs: number;
  /** The same pending action nudges at most once per this gap (doubling on each repeat). */
  healthNudgeMinGapMs: number;
  /** The clock (tests). */
  now?: () => number;
}

/** Nudges one scheduler may send at once before the refill rate applies. */
export const NUDGE_BURST = 10;
/** The bucket refills one nudge per this many gaps (one a minute at the default 15 s gap). */
export const REFILL_GAPS = 4;
/** Repeats of the same pending action back off up to this many gaps. */
export const MAX_REPEAT_GAPS = 8;

/**
 * The health watch of one scheduler, run by its runtime watcher next to `RuntimeWatch`: it
 * evaluates the health plan in-process (no Temporal action) on every room change the runtime
 * reports (`poke`), at the earliest timeout a room will reach, and at least every
 * `healthWatchIntervalMs`, and nudges the scheduler workflow (the `healthNudge` signal) only when
 * the plan would act. The scheduler's periodic check becomes a long safety interval; a room that
 * dies or expires is replaced within seconds. Nudges are debounced (`NudgeDebouncer`). When the
 * autoscaling policy in force is a webhook, the watch asks it once per its interval (the call is
 * bounded by its timeout; a failure is the fallback's decision) and stores the decision every plan
 * uses; a decision that changes source or problem nudges even when no room would change, so a
 * health_controller operation records it in its history. Ends
 * `scheduler_deleted` when the scheduler is no longer stored, after one last nudge (the scheduler
 * workflow's check then finds it gone and ends, with its supervisors).
 */
export class HealthWatch {
  private readonly debouncer: NudgeDebouncer;
  private readonly now: () => number;
  private wake: (() => void) | undefined;
  private isPoked = false;
  /** What the last full evaluation saw; while it still holds, nothing is read but the counter. */
  private last:
    | {
        changes: number;
        scheduler: string;
        /** The autoscaling policy in force (a schedule's window, a chain's entry). */
        policy: string;
        nextAt: number | undefined;
        isQuiet: boolean;
      }
    | undefined;

  constructor(
    private readonly deps: HealthWatchDeps,
    private readonly scheduler: string,
  ) {
    this.now = deps.now ?? Date.now;
    this.debouncer = new NudgeDebouncer(deps.healthNudgeMinGapMs, this.now());
  }

  /** The autoscaler's instant: the autoscaling clock, else the watch's clock. */
  private autoscalingNow(): Date {
    return this.deps.autoscalingClock?.() ?? new Date(this.now());
  }

  /** A room of the scheduler changed: evaluate at once (coalesced with an evaluation under way). */
  poke(): void {
    this.isPoked = true;
    this.wake?.();
  }

  /** Evaluates until `signal` aborts (`stopped`) or the scheduler is no longer stored. */
  async run(signal: AbortSignal): Promise<SupervisedWorkOutcome> {
    while (!signal.aborted) {
      const isPoked = this.isPoked;
      this.isPoked = false;
      const evaluation = await this.evaluate(isPoked).catch((error: unknown) => {
        this.deps.log.warn({ err: error, scheduler: this.scheduler }, 'health watch failed');
        return { isSchedulerGone: false, nextAt: undefined } satisfies Evaluation;
      });
      if (evaluation.isSchedulerGone) return 'scheduler_deleted';
      if (this.isPoked) continue;
      const waitMs = Math.min(
        this.deps.healthWatchIntervalMs,
        evaluation.nextAt === undefined ? Infinity : Math.max(0, evaluation.nextAt - this.now()),
      );
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          signal.removeEventListener('abort', done);
          this.wake = undefined;
          resolve();
        };
        const timer = setTimeout(done, waitMs);
        signal.addEventListener('abort', done, { once: true });
        this.wake = done;
      });
    }
    return 'stopped';
  }

  /**
   * One evaluation: plans, nudges when due, and says when to look again. Unless `isPoked` (a room
   * change the runtime reported, maybe not yet in room storage), an evaluation that would see what
   * the last one saw reads only the room change counter.
   */
  async evaluate(isPoked = false): Promise<Evaluation> {
    const scheduler =
      (await this.deps.schedulerCache.get(this.scheduler)) ??
      (await this.deps.schedulers.getScheduler(this.scheduler));
    if (!scheduler) {
      // Its workflow ends on its next check (a rolled-back creation): not a safety interval later.
      await this.deps.nudger.nudge(this.scheduler);
      return { isSchedulerGone: true, nextAt: undefined };
    }
    // A quiet plan with unchanged rooms (the index's counter), scheduler and no deadline reached is
    // still quiet: one small read instead of listing every room. A plan that acts is evaluated each
    // time (its nudge may be due again). Pings that only refresh a room's ping time do not move
    // the counter; the later deadline they make is found when the earlier one is reached.
    const changes = await this.deps.rooms.roomChanges(this.scheduler);
    const key = schedulerKey(scheduler);
    const policy = policyKey(scheduler, this.autoscalingNow());
    const { last } = this;
    if (
      !isPoked &&
      last?.isQuiet === true &&
      last.changes === changes &&
      last.scheduler === key &&
      last.policy === policy &&
      (last.nextAt === undefined || this.now() < last.nextAt)
    ) {
      return { isSchedulerGone: false, nextAt: last.nextAt };
    }
    const rooms = await this.deps.rooms.listRoomSummaries(this.scheduler);
    const now = this.now();
    const own = rooms.filter((room) => !room.isValidationRoom);
    const counts = countByStatus(own);
    const asked = await askWebhookIfDue(
      this.deps,
      scheduler,
      {
        counts,
        runningMatches: own.reduce((sum, room) => sum + room.runningMatches, 0),
        maxMatches: scheduler.matchAllocation.maxMatches,
      },
      new Date(now),
      this.autoscalingNow(),
    );
    const autoscaler = await readAutoscalerInputs(
      this.deps.autoscaler,
      scheduler,
      counts,
      new Date(now),
      { recordsActivity: true, at: this.autoscalingNow(), snapshot: asked.snapshot },
    );
    const plan = planHealth(scheduler, rooms, this.deps.timeouts, new Date(now), autoscaler.inputs);
    const decision = this.debouncer.decide(plan, now);
    // A webhook event with no room to change still nudges (within the bucket), to be recorded.
    if (decision.isNudge || (asked.isEvent && this.debouncer.allowsEvent(now))) {
      try {
        await this.deps.nudger.nudge(this.scheduler);
        this.deps.log.debug({ scheduler: this.scheduler, plan }, 'health nudge sent');
      } catch (error) {
        this.debouncer.forget(); // not delivered: the next evaluation tries again
        throw error;
      }
    }
    const deadline = nextHealthDeadline(scheduler, rooms, this.deps.timeouts, now);
    const nextAt = minimum(
      minimum(decision.retryAt, deadline === undefined ? undefined : deadline + 1),
      minimum(autoscaler.nextAt, asked.nextCallAt),
    );
    this.last = { changes, scheduler: key, policy, nextAt, isQuiet: !planTakesAction(plan) };
    return { isSchedulerGone: false, nextAt };
  }
}

interface Evaluation {
  isSchedulerGone: boolean;
  /** When the plan could change without any room changing (a timeout, a debounce's end). */
  nextAt: number | undefined;
}

/** Whether to nudge now, and if not, when a pending action may nudge again. */
export interface NudgeDecision {
  isNudge: boolean;
  retryAt?: number;
}

/**
 * The health watch's debounce. Nudges only while the plan acts. A new pending action (another
 * plan signature: a room died, a rolling-update step became possible) nudges at once; the same
 * one again only after the gap, doubling on each repeat up to `MAX_REPEAT_GAPS` gaps (a health
 * controller that keeps failing is retried, not hammered). The signature is forgotten when the
 * plan stops acting, so each step of a rolling update nudges at once. Over all signatures, a
 * token bucket (`NUDGE_BURST`, refilled one per `REFILL_GAPS` gaps) bounds a flapping scheduler's
 * resizes to about one nudge a minute, the old fixed interval's rate; deaths and rolling-update
 * steps are outside it and nudge at once (a 100-room rolling update waited a minute per step).
 */
export class NudgeDebouncer {
  private signature: string | undefined;
  private lastNudgeAt = 0;
  private repeats = 0;
  private tokens = NUDGE_BURST;

  constructor(
    private readonly gapMs: number,
    private refilledAt: number,
  ) {}

  decide(plan: HealthPlan, now: number): NudgeDecision {
    this.refill(now);
    if (!planTakesAction(plan)) {
      this.signature = undefined;
      this.repeats = 0;
      return { isNudge: false };
    }
    const signature = planSignature(plan);
    const isRepeat = signature === this.signature;
    if (isRepeat) {
      const nextAt = this.lastNudgeAt + this.gapMs * Math.min(MAX_REPEAT_GAPS, 2 ** this.repeats);
      if (now < nextAt) return { isNudge: false, retryAt: nextAt };
    }
    // Only a plan that merely resizes can flap (an autoscaler's target following room flips);
    // rooms that died and rolling-update steps are finite events: they nudge at once.
    const isResize =
      plan.expired.length === 0 && plan.replace.length === 0 && !plan.isRollingUpdate;
    if (isResize && this.tokens < 1) {
      const refillMs = this.gapMs * REFILL_GAPS;
      return { isNudge: false, retryAt: now + Math.ceil((1 - this.tokens) * refillMs) };
    }
    if (isResize) this.tokens -= 1;
    this.repeats = isRepeat ? this.repeats + 1 : 0;
    this.signature = signature;
    this.lastNudgeAt = now;
    return { isNudge: true };
  }

  /**
   * Whether an event that changes no room (a webhook decision of another source or problem) may
   * nudge now: it takes a token of the bucket, so a flapping webhook nudges about once a minute.
   */
  allowsEvent(now: number): boolean {
    this.refill(now);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** The last nudge was not delivered: the same signature may nudge again at once. */
  forget(): void {
    this.signature = undefined;
    this.repeats = 0;
    this.tokens = Math.min(NUDGE_BURST, this.tokens + 1);
  }

  private refill(now: number) {
    const refilled = (now - this.refilledAt) / (this.gapMs * REFILL_GAPS);
    this.tokens = Math.min(NUDGE_BURST, this.tokens + refilled);
    this.refilledAt = now;
  }
}

/** What the health controller would do, in a comparable form (room ids sorted). */
export function planSignature(plan: HealthPlan): string {
  return JSON.stringify([
    [...plan.expired].sort(),
    plan.add,
    [...plan.replace].sort(),
    plan.scaleDown,
  ]);
}

/**
 * The earliest time after `now` at which the plan can change with no room changing: a room's
 * ping, initialization or deletion timeout (as `isExpired` counts them, grace period included),
 * or the end of the autoscaler's cooldown. Undefined when nothing is due.
 */
export function nextHealthDeadline(
  scheduler: Scheduler,
  rooms: readonly HealthRoom[],
  schedulerTimeouts: HealthTimeouts,
  now: number,
): number | undefined {
  const timeouts = withGracePeriod(schedulerTimeouts, scheduler);
  let next: number | undefined;
  for (const room of rooms) {
    if (room.isValidationRoom || isExpired(room, timeouts, new Date(now))) continue;
    next = minimum(next, expiresAt(room, timeouts));
  }
  const { autoscaling, lastDownscaleAt } = scheduler;
  if (autoscaling?.enabled && lastDownscaleAt !== undefined) {
    const cooledAt = Date.parse(lastDownscaleAt) + autoscaling.cooldown * 1000;
    if (cooledAt > now) next = minimum(next, cooledAt);
  }
  return next;
}

/** The last instant the room is not yet expired (see `isExpired`). */
function expiresAt(room: HealthRoom, timeouts: HealthTimeouts): number | undefined {
  switch (room.status) {
    case RoomStatus.TERMINATED:
    case RoomStatus.ERROR:
      return undefined;
    case RoomStatus.TERMINATING:
      return room.lastPingAt.getTime() + timeouts.deletionTimeoutMs;
    case RoomStatus.PENDING:
    case RoomStatus.UNREADY:
      return room.createdAt.getTime() + timeouts.initializationTimeoutMs;
    default:
      return room.lastPingAt.getTime() + timeouts.pingTimeoutMs;
  }
}

/** What of a scheduler its health plan depends on (a change of it is a reason to plan again). */
function schedulerKey(scheduler: Scheduler): string {
  const { spec, roomsReplicas, maxSurge, autoscaling, lastDownscaleAt } = scheduler;
  return JSON.stringify([spec.version, roomsReplicas, maxSurge, autoscaling, lastDownscaleAt]);
}

/** Which autoscaling policy is in force at `now`: a window or chain entry taking over changes it. */
function policyKey(scheduler: Scheduler, now: Date): string {
  return scheduler.autoscaling?.enabled ? policyInForce(scheduler.autoscaling.policy, now).key : '';
}

function minimum(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.min(a, b);
}
