import type { Scheduler } from '../domain/scheduler/scheduler';

/**
 * The active version of schedulers for the hot paths (every ping needs its scheduler's game,
 * forwarders and `maxMatches`). A change of a scheduler's active version is visible through it
 * within milliseconds of {@link SchedulerCacheInvalidator.invalidate}, not minutes.
 */
export interface SchedulerCache {
  /** The scheduler's active version, or undefined when there is no such scheduler. */
  get(name: string): Promise<Scheduler | undefined>;
}

/** Tells every process's scheduler cache that a scheduler changed. */
export interface SchedulerCacheInvalidator {
  /**
   * Call after the scheduler's active version changed (switch_active_version), after it was
   * created and after it was deleted. Every cache drops its copy of `name`.
   */
  invalidate(name: string): Promise<void>;
}
