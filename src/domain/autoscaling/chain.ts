/**
 * Which policy a chain or a schedule applies at an instant. A schedule is a chain whose entries
 * all have a window, so both go through `evaluateChain`.
 */
import type { ChainParameters, InnerPolicy, ScheduleParameters } from './policies';
import { windowActivity } from './window';

/** The policy that applies now and why, for the operation history. */
export interface ChainChoice {
  policy: InnerPolicy;
  /** Index of the chosen entry (or schedule window); undefined when the default applies. */
  entry?: number;
  /** E.g. `entries[1] active: window 0 18 * * MON-FRI Europe/Berlin 2024-05-06T16:00:00.000Z–…`. */
  reason: string;
}

/** The first entry active at `now` (an entry without a window always is), else the default. */
export function evaluateChain(chain: ChainParameters, now: Date, label = 'entries'): ChainChoice {
  for (const [entry, { window, policy }] of chain.entries.entries()) {
    if (!window)
      return { policy, entry, reason: `${label}[${entry}] has no window: always active` };
    const activity = windowActivity(window, now);
    if (!activity.isActive) continue;
    const occurrence = `${activity.start}–${activity.end}`;
    const lead = activity.isLeading ? ` (lead time ${window.leadTime ?? ''} before it)` : '';
    return {
      policy,
      entry,
      reason: `${label}[${entry}] active: window ${window.start} ${window.timeZone} ${occurrence}${lead}`,
    };
  }
  return { policy: chain.default, reason: `no ${label} active: default` };
}

/** A schedule's windows in order, as chain entries. */
export function scheduleAsChain(schedule: ScheduleParameters): ChainParameters {
  return {
    entries: schedule.windows.map(({ policy, ...window }) => ({ window, policy })),
    default: schedule.default,
  };
}

/** The window of `schedule` active at `now`, else the default (`evaluateChain` of its windows). */
export function evaluateSchedule(schedule: ScheduleParameters, now: Date): ChainChoice {
  return evaluateChain(scheduleAsChain(schedule), now, 'windows');
}
