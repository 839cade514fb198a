import { nextPingDelayMs, type PingSchedule } from './backoff';

/** What one ping came to. `attempt` never throws: failures are reports with an `error`. */
export interface PingOutcome {
  /** Whether it failed (no answer, or an error answer). */
  error?: unknown;
}

/**
 * Pings on a timer, one at a time: the next ping is scheduled when the previous one is answered
 * (the interval after a success, a growing backoff after failures), so pings never overlap. An
 * immediate ping asked for while one is in flight runs right after it, once, however many ask.
 */
export class PingLoop<Outcome extends PingOutcome> {
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<Outcome> | undefined;
  private followUp: Promise<Outcome> | undefined;
  private failures = 0;
  private isStopped = false;

  constructor(
    private readonly attempt: () => Promise<Outcome>,
    private readonly schedule: PingSchedule,
    private readonly onSettled: (outcome: Outcome, failures: number, nextInMs?: number) => void,
    private readonly random: () => number = Math.random,
  ) {}

  /**
   * Pings now, or right after the ping in flight: resolves with the outcome of a ping that
   * started after this call, so it carries the state as it is now. Works after `stop()` too (a
   * last report), without scheduling more.
   */
  now(): Promise<Outcome> {
    if (this.followUp) return this.followUp;
    if (this.inFlight) {
      const followUp = this.inFlight.then(() => this.run());
      this.followUp = followUp;
      return followUp;
    }
    return this.run();
  }

  /** No more scheduled pings; resolves once the ping in flight (and one asked for) is done. */
  async stop(): Promise<void> {
    this.isStopped = true;
    this.clearTimer();
    await (this.followUp ?? this.inFlight);
  }

  /** Failed pings in a row. */
  get consecutiveFailures(): number {
    return this.failures;
  }

  private run(): Promise<Outcome> {
    this.clearTimer();
    this.followUp = undefined;
    const ping = this.attempt().then((outcome) => {
      this.inFlight = undefined;
      this.settle(outcome);
      return outcome;
    });
    this.inFlight = ping;
    return ping;
  }

  private settle(outcome: Outcome): void {
    this.failures = outcome.error === undefined ? 0 : this.failures + 1;
    // A ping asked for meanwhile goes next, at once; a stopped loop schedules nothing.
    const nextInMs =
      this.followUp || this.isStopped
        ? undefined
        : nextPingDelayMs(this.failures, this.schedule, this.random);
    if (nextInMs !== undefined) {
      this.timer = setTimeout(() => void this.run(), nextInMs);
    }
    this.onSettled(outcome, this.failures, nextInMs);
  }

  private clearTimer(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
