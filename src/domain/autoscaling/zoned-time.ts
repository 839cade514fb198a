/**
 * Wall-clock time in an IANA time zone, from `Intl.DateTimeFormat` (no time-zone library). A
 * "local" time here is the wall clock written as if it were UTC: `Date.UTC(y, m, d, h, min)` in
 * milliseconds, so local arithmetic is plain arithmetic.
 */

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

// A cache of formatters, not state: building one per call is the costly part of Intl.
const formatters: Record<string, Intl.DateTimeFormat> = {};

function formatter(timeZone: string): Intl.DateTimeFormat {
  formatters[timeZone] ??= new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });
  return formatters[timeZone];
}

/** Whether `Intl` knows `timeZone` (an IANA name such as `Europe/Berlin`, or `UTC`). */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The wall clock in `timeZone` at `instant` (ms since the epoch), as a local time. */
export function toLocal(instant: number, timeZone: string): number {
  const fields: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(instant))
    if (part.type !== 'literal') fields[part.type] = Number(part.value);
  const { year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0 } = fields;
  const wholeSeconds = Date.UTC(year, month - 1, day, hour, minute, second);
  return wholeSeconds + (((instant % 1000) + 1000) % 1000);
}

/** The zone's offset from UTC at `instant`, in ms (Berlin in summer: +2 h). */
export function offsetAt(instant: number, timeZone: string): number {
  return toLocal(instant, timeZone) - instant;
}

/**
 * The instants whose wall clock in `timeZone` reads `local`, earliest first: none in a gap
 * (spring forward), two in an overlap (fall back), otherwise one. `offsets` are the offsets in
 * force around that day (`offsetsAround`).
 */
export function instantsOf(local: number, timeZone: string, offsets: readonly number[]): number[] {
  if (offsets.length === 1) return [local - (offsets[0] ?? 0)];
  return offsets
    .map((offset) => local - offset)
    .filter((instant) => toLocal(instant, timeZone) === local)
    .sort((a, b) => a - b);
}

/**
 * The distinct offsets the zone uses within a day either side of the local day starting at
 * `localMidnight`; one value on a day without a transition nearby.
 */
export function offsetsAround(localMidnight: number, timeZone: string): number[] {
  const probes = [-1, 0, 1, 2].map((days) => offsetAt(localMidnight + days * DAY_MS, timeZone));
  return [...new Set(probes)];
}

/** The local midnight starting the day that contains `local`. */
export function startOfDay(local: number): number {
  return Math.floor(local / DAY_MS) * DAY_MS;
}

export { DAY_MS, MINUTE_MS };
