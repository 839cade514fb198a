import type { PastDecision, WebhookDecision } from '../domain/autoscaling/webhook';

/** The webhook's latest decision as stored: when, and what it decided. */
export type StoredWebhookDecision = PastDecision &
  Pick<WebhookDecision, 'canDownscale' | 'note' | 'problem'> & {
    source: WebhookDecision['source'];
  };

/** What the autoscaler remembers of a scheduler between evaluations (any process may evaluate). */
export interface AutoscalerSnapshot {
  /** When a room was last seen occupied or allocated, or an allocation waited (ISO). */
  lastActiveAt?: string;
  /** The webhook's latest decision. */
  webhook?: StoredWebhookDecision;
  /** Allocations waiting for a room now. */
  waiters: number;
  /**
   * When a webhook decision that changed the source or the problem (`isWebhookEvent`) was made
   * (ISO), until a health_controller operation has written it to its history.
   */
  webhookEventAt?: string;
}

/**
 * The autoscaler's memory of each scheduler: when it was last active (scale to zero), the
 * webhook's decisions (the latest drives the plan; the last few go back to the webhook as
 * history), and the allocations waiting for a room (wake on allocate).
 */
export interface AutoscalerState {
  /** One read of everything the plan needs; waiters whose deadline passed are not counted. */
  snapshot(scheduler: string, now: Date): Promise<AutoscalerSnapshot>;
  /** Records activity at `at` (kept only when later than the stored one). */
  markActive(scheduler: string, at: Date): Promise<void>;
  /**
   * Stores the webhook's decision as the latest and appends it to the history; with `isEvent`,
   * its time also becomes `webhookEventAt` (replacing an earlier one still unrecorded).
   */
  recordWebhookDecision(
    scheduler: string,
    decision: StoredWebhookDecision,
    options?: { isEvent: boolean },
  ): Promise<void>;
  /**
   * A health_controller operation wrote the event of `at` to its history: `webhookEventAt` is
   * cleared unless a later event replaced it meanwhile.
   */
  clearWebhookEvent(scheduler: string, at: string): Promise<void>;
  /** The last decisions, oldest first (at most `WEBHOOK_HISTORY_LENGTH`). */
  webhookHistory(scheduler: string): Promise<PastDecision[]>;
  /** An allocation waits for a room until `until`; also marks the scheduler active. */
  addWaiter(scheduler: string, waiterId: string, until: Date): Promise<void>;
  /** The allocation got its room or gave up. */
  removeWaiter(scheduler: string, waiterId: string): Promise<void>;
  /** Forgets everything of a deleted scheduler. */
  forget(scheduler: string): Promise<void>;
}
