import { sleep } from './backoff';

/**
 * Client-side rate limit of requests to the API server (client-go's QPS and burst): up to `burst`
 * requests at once, then `qps` per second. Callers queue in order of arrival; a `qps` of 0 or
 * less means no limit.
 */
export class TokenBucket {
  private tokens: number;
  private updatedAt = Date.now();

  constructor(
    private readonly qps: number,
    private readonly burst: number,
  ) {
    this.tokens = Math.max(1, burst);
  }

  /** Waits for this request's turn (or until `signal` aborts). */
  async take(signal?: AbortSignal): Promise<void> {
    if (this.qps <= 0) return;
    const now = Date.now();
    const refill = ((now - this.updatedAt) / 1000) * this.qps;
    this.tokens = Math.min(Math.max(1, this.burst), this.tokens + refill);
    this.updatedAt = now;
    // Reserve a token even when none is left yet: the debt orders the waiting callers.
    this.tokens -= 1;
    if (this.tokens < 0) await sleep((-this.tokens / this.qps) * 1000, signal);
  }
}
