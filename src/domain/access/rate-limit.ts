/**
 * Rate limits per caller: a GCRA (generic cell rate algorithm, a token bucket kept as one
 * timestamp), pure so that the in-process limiter, the Redis script and the tests agree on the
 * math. Also the error a limited call fails with.
 */
import { DomainError, ErrorCode } from '../errors';

/** What a class of calls may do per caller: `perMinute` on average, `burst` at once. */
export interface RateLimit {
  readonly perMinute: number;
  readonly burst: number;
}

/** The classes of calls that can be limited, each with its own budget per caller. */
export const RateLimitClass = {
  /** Every Management API call that changes something (not a read). */
  MUTATIONS: 'mutations',
  /** The Rooms API's AllocateRoom. */
  ALLOCATIONS: 'allocations',
} as const;
export type RateLimitClass = (typeof RateLimitClass)[keyof typeof RateLimitClass];

/** The outcome of asking for one call. */
export type RateDecision = { isAllowed: true } | { isAllowed: false; retryAfterMs: number };

/** Milliseconds between two calls at the average rate. */
export const emissionIntervalMs = (limit: RateLimit): number => 60_000 / limit.perMinute;

/**
 * One call at `nowMs` for a caller whose theoretical arrival time is `tatMs` (undefined: never
 * seen, or forgotten): allowed while the bucket holds fewer than `burst` calls' worth, and then
 * the new TAT to store. When refused the TAT is unchanged, so refused calls cost nothing.
 */
export function gcraDecide(
  tatMs: number | undefined,
  nowMs: number,
  limit: RateLimit,
): { decision: RateDecision; tatMs: number | undefined } {
  const interval = emissionIntervalMs(limit);
  const nextTatMs = Math.max(tatMs ?? nowMs, nowMs) + interval;
  const excessMs = nextTatMs - nowMs - limit.burst * interval;
  if (excessMs > 0) return { decision: { isAllowed: false, retryAfterMs: excessMs }, tatMs };
  return { decision: { isAllowed: true }, tatMs: nextTatMs };
}

/** How long a caller's state must be kept: past it the bucket is full again anyway. */
export const gcraStateTtlMs = (limit: RateLimit): number =>
  Math.ceil(limit.burst * emissionIntervalMs(limit));

/**
 * A caller went over its rate limit: RESOURCE_EXHAUSTED (429 with `Retry-After`), worded so a
 * client can tell it from "no ready rooms", which has the same code.
 */
export class RateLimitedError extends DomainError {
  readonly retryAfterSeconds: number;

  constructor(
    readonly limitClass: RateLimitClass,
    retryAfterMs: number,
  ) {
    const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
    super(
      ErrorCode.RESOURCE_EXHAUSTED,
      `rate limit exceeded for ${limitClass}: retry after ${seconds}s`,
    );
    this.retryAfterSeconds = seconds;
  }
}
