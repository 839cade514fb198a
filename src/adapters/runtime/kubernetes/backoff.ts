/** Capped exponential backoff with jitter, shared by requests and the watch. */
export interface BackoffPolicy {
  initialMs: number;
  maxMs: number;
}

/**
 * The delay before retry number `attempt` (1 = the first retry): `initialMs · 2^(attempt−1)`
 * capped at `maxMs`, of which the upper half is random so that many clients that failed together
 * do not retry together.
 */
export function backoffDelay(attempt: number, policy: BackoffPolicy): number {
  const ceiling = Math.min(policy.maxMs, policy.initialMs * 2 ** Math.max(0, attempt - 1));
  return ceiling / 2 + Math.random() * (ceiling / 2);
}

export { sleep } from '../../../shared/sleep';
