import { gcraDecide, type RateDecision, type RateLimit } from '../../domain/access/rate-limit';
import type { RateLimiter } from '../../ports/rate-limiter';

/** Callers tracked at most: past it, full buckets are forgotten, then the oldest callers. */
const MAX_KEYS = 100_000;

/**
 * Rate limits in this process's memory: each process counts alone (N replicas allow N times the
 * limit). The fallback of `RedisRateLimiter` while Redis is down, and what unit tests use.
 */
export class InProcessRateLimiter implements RateLimiter {
  /** Each caller's theoretical arrival time (GCRA); one at or before now is a full bucket. */
  private readonly tats = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  take(key: string, limit: RateLimit): Promise<RateDecision> {
    const nowMs = this.now();
    const { decision, tatMs } = gcraDecide(this.tats.get(key), nowMs, limit);
    if (decision.isAllowed && tatMs !== undefined) {
      this.tats.delete(key); // re-inserted last: the map stays ordered by last allowed call
      if (this.tats.size >= MAX_KEYS) this.makeRoom(nowMs);
      this.tats.set(key, tatMs);
    }
    return Promise.resolve(decision);
  }

  private makeRoom(nowMs: number): void {
    for (const [key, tatMs] of this.tats) if (tatMs <= nowMs) this.tats.delete(key);
    for (const key of this.tats.keys()) {
      if (this.tats.size < MAX_KEYS) break;
      this.tats.delete(key);
    }
  }
}
