/**
 * At most one log line per key and interval, counting what it held back: an outage seen by every
 * request (a forwarder down, Redis unreachable) must not flood the logs of a hot path.
 */
export class LogThrottle {
  private readonly last = new Map<string, { loggedAt: number; suppressed: number }>();

  constructor(private readonly intervalMs = 10_000) {}

  /** Calls `log` with the number of lines held back since the last one, or holds this one back. */
  run(key: string, log: (suppressed: number) => void): void {
    const now = Date.now();
    const entry = this.last.get(key);
    if (entry && now - entry.loggedAt < this.intervalMs) {
      entry.suppressed += 1;
      return;
    }
    this.last.set(key, { loggedAt: now, suppressed: 0 });
    log(entry?.suppressed ?? 0);
  }
}
