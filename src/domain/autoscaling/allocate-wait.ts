/**
 * How long `POST …/rooms/allocate` waits for a room to turn ready when none is (wake on
 * allocate): the request's `wait`, else the scheduler's `scaleToZero.allocateWait` when it may be
 * at zero rooms (`min: 0`), else not at all — Maestro's answer at once.
 */
import type { Scheduler } from '../scheduler/scheduler';
import { DURATION_FORMAT, parseDuration } from './duration';
import { scaleToZeroOf } from './decide';
import { POLICY_LIMITS } from './policy-validation';

/** A request's `wait` in ms, or the problem with it (the field is named by the caller). */
export type ParsedAllocateWait = { waitMs: number } | { problem: string };

/** Parses a request's `wait` (`20s`, `1m30s`, `0s`); at most `POLICY_LIMITS.maxAllocateWaitMs`. */
export function parseAllocateWait(text: string): ParsedAllocateWait {
  const waitMs = parseDuration(text);
  if (waitMs === undefined) return { problem: DURATION_FORMAT };
  if (waitMs > POLICY_LIMITS.maxAllocateWaitMs) return { problem: 'must be at most 2m' };
  return { waitMs };
}

/** The wait of an allocation of `scheduler`: `requestedMs` when given, else its default. */
export function allocateWaitOf(
  scheduler: Pick<Scheduler, 'autoscaling'>,
  requestedMs: number | undefined,
): number {
  if (requestedMs !== undefined) return requestedMs;
  const { autoscaling } = scheduler;
  if (!autoscaling?.enabled || autoscaling.min !== 0) return 0;
  const waitMs = parseDuration(scaleToZeroOf(autoscaling).allocateWait) ?? 0;
  return Math.min(waitMs, POLICY_LIMITS.maxAllocateWaitMs);
}
