import type { RateDecision, RateLimit } from '../domain/access/rate-limit';

/**
 * Counts calls per key (a class of calls and a caller) against a {@link RateLimit}.
 *
 * Contract: `take` records the call when it is allowed and nothing when it is refused, so a caller
 * that keeps retrying while refused is let through again at the average rate. It is atomic per
 * key across every process sharing the limiter's store. It never fails because its store is
 * down: an implementation decides without it (and says how in its TSDoc).
 */
export interface RateLimiter {
  take(key: string, limit: RateLimit): Promise<RateDecision>;
}
