/** How long a room waits between pings, and after failed ones. */
export interface PingSchedule {
  /** Between pings that succeeded. */
  intervalMs: number;
  /** After the first failure in a row (before jitter). */
  initialBackoffMs: number;
  /** The longest wait after failures (before jitter). */
  maxBackoffMs: number;
}

export const DEFAULT_PING_SCHEDULE: PingSchedule = {
  intervalMs: 5_000,
  initialBackoffMs: 1_000,
  maxBackoffMs: 30_000,
};

/**
 * The wait before the next ping after `failures` failed pings in a row (0: the interval).
 * Exponential (doubling from `initialBackoffMs`, capped at `maxBackoffMs`) with "equal jitter":
 * between half and all of it, so that rooms which lost the API together do not return together.
 * `random` is in [0, 1).
 */
export function nextPingDelayMs(
  failures: number,
  schedule: PingSchedule,
  random: () => number = Math.random,
): number {
  if (failures <= 0) return schedule.intervalMs;
  const exponent = Math.min(failures - 1, 30);
  const ceiling = Math.min(schedule.maxBackoffMs, schedule.initialBackoffMs * 2 ** exponent);
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}
