import type { Logger } from 'pino';
import type { HealthNudger } from '../ports/health-nudger';

/**
 * Nudges of one process coalesced per scheduler: at most one in flight and one queued behind it,
 * so a burst of waiting allocations costs two signals, and the last waiter to register is still
 * seen by a health check that starts after its registration. Never throws: a failed nudge is
 * logged (the scheduler's periodic health check still runs).
 */
export class CoalescedNudges {
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly queued = new Set<string>();

  constructor(
    private readonly nudger: HealthNudger,
    private readonly log: Logger,
  ) {}

  /** Resolves once a nudge sent after this call was delivered (or failed). */
  nudge(scheduler: string): Promise<void> {
    const current = this.inFlight.get(scheduler);
    if (!current) return this.send(scheduler);
    this.queued.add(scheduler);
    return current.then(() => this.inFlight.get(scheduler) ?? Promise.resolve());
  }

  private send(scheduler: string): Promise<void> {
    const sending = this.nudger
      .nudge(scheduler)
      .catch((error: unknown) => this.log.warn({ err: error, scheduler }, 'health nudge failed'))
      .then(() => {
        this.inFlight.delete(scheduler);
        if (this.queued.delete(scheduler)) void this.send(scheduler);
      });
    this.inFlight.set(scheduler, sending);
    return sending;
  }
}
