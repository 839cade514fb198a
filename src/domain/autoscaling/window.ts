/**
 * Time windows of the schedule and chain policies: a cron start in a time zone, a duration, and
 * an optional lead time that activates the window early so rooms are ready when it opens.
 *
 * Daylight saving time: a start is a wall-clock time in the window's zone. A start that falls in
 * a spring-forward gap (02:30 on the last Sunday of March in Europe/Berlin) does not exist that
 * day: there is no window that day. A start in an autumn overlap (02:30 on the last Sunday of
 * October happens twice) opens the window once, at the FIRST occurrence (summer time), as cron
 * does not run a job twice; the duration is elapsed time from there.
 */
import { DomainError, ErrorCode } from '../errors';
import { matchesDay, parseCron, type CronSchedule } from './cron';
import { parseDuration } from './duration';
import {
  DAY_MS,
  MINUTE_MS,
  instantsOf,
  isTimeZone,
  offsetsAround,
  startOfDay,
  toLocal,
} from './zoned-time';

/** A recurring window, as users write it. */
export interface Window {
  /** 5-field cron expression of the window's start, in `timeZone`. */
  start: string;
  /** How long the window lasts from its start, e.g. `5h` or `90m`. */
  duration: string;
  /** IANA time zone of `start`, e.g. `Europe/Berlin`. */
  timeZone: string;
  /** How long before its start the window is already active (pre-scaling), e.g. `30m`. */
  leadTime?: string;
}

/** Whether a window is active at an instant, and which occurrence makes it so. */
export type WindowActivity =
  | { isActive: false }
  | {
      isActive: true;
      /** ISO instant the occurrence starts (it may be ahead: within the lead time). */
      start: string;
      /** ISO instant the occurrence ends. */
      end: string;
      /** Active only because of the lead time: the occurrence has not started yet. */
      isLeading: boolean;
    };

/**
 * Whether `window` is active at `now`: some start `s` satisfies s − leadTime ≤ now < s + duration.
 * Throws INVALID_ARGUMENT on a window that did not pass validation.
 */
export function windowActivity(window: Window, now: Date): WindowActivity {
  const { schedule, durationMs, leadTimeMs } = readWindow(window);
  const at = now.getTime();
  const start = latestStart(schedule, window.timeZone, {
    notAfter: at + leadTimeMs,
    after: at - durationMs,
  });
  if (start === undefined) return { isActive: false };
  return {
    isActive: true,
    start: new Date(start).toISOString(),
    end: new Date(start + durationMs).toISOString(),
    isLeading: start > at,
  };
}

/**
 * The latest instant matching `schedule` in `timeZone` within (after, notAfter], or undefined.
 * Walks local days backwards from `notAfter` and, within a day, the matching times in descending
 * order, so the cost grows with the span (duration + lead time), never with minutes scanned.
 */
export function latestStart(
  schedule: CronSchedule,
  timeZone: string,
  bounds: { notAfter: number; after: number },
): number | undefined {
  // An overlap can put a later wall-clock time before `notAfter`: look up to 3 h past it.
  const slack = 3 * 60 * MINUTE_MS;
  const latestLocal = toLocal(bounds.notAfter, timeZone) + slack;
  const earliestDay = startOfDay(toLocal(bounds.after, timeZone) - slack);
  for (let day = startOfDay(latestLocal); day >= earliestDay; day -= DAY_MS) {
    const date = new Date(day);
    const calendar = {
      month: date.getUTCMonth() + 1,
      day: date.getUTCDate(),
      weekday: date.getUTCDay(),
    };
    if (!matchesDay(schedule, calendar)) continue;
    const found = latestStartOfDay(schedule, timeZone, day, { ...bounds, latestLocal });
    if (found === 'none-left') return undefined;
    if (found !== undefined) return found;
  }
  return undefined;
}

function latestStartOfDay(
  schedule: CronSchedule,
  timeZone: string,
  day: number,
  bounds: { notAfter: number; after: number; latestLocal: number },
): number | 'none-left' | undefined {
  const offsets = offsetsAround(day, timeZone);
  for (const hour of descending(schedule.hours))
    for (const minute of descending(schedule.minutes)) {
      const local = day + (hour * 60 + minute) * MINUTE_MS;
      if (local > bounds.latestLocal) continue;
      const [first] = instantsOf(local, timeZone, offsets);
      if (first === undefined || first > bounds.notAfter) continue;
      return first > bounds.after ? first : 'none-left';
    }
  return undefined;
}

function descending(values: readonly number[]): number[] {
  return [...values].reverse();
}

function readWindow(window: Window) {
  const parsed = parseCron(window.start);
  const durationMs = parseDuration(window.duration);
  const leadTimeMs = window.leadTime === undefined ? 0 : parseDuration(window.leadTime);
  if (
    'problems' in parsed ||
    durationMs === undefined ||
    leadTimeMs === undefined ||
    !isTimeZone(window.timeZone)
  )
    throw new DomainError(
      ErrorCode.INVALID_ARGUMENT,
      `autoscaling window ${JSON.stringify(window)} is not valid`,
    );
  return { schedule: parsed.schedule, durationMs, leadTimeMs };
}
