import { Context } from '@temporalio/activity';
import { RuntimeWatch, type RuntimeWatchDeps } from '../src/app/runtime-watch';
import type { SupervisionOutcome } from '../workflows/supervision';
import { superviseActivity, type SupervisionSlots } from './supervision';

export interface WatcherActivityDeps extends RuntimeWatchDeps {
  /** How long one activity run lasts before it hands over to the next (`rotated`). */
  runDurationMs: number;
  /** This process's slots for supervisors (one per scheduler). */
  slots: SupervisionSlots;
}

/** The runtime watcher module's activity (task queue `maestro-runtime-watcher`). */
export function createWatcherActivities(deps: WatcherActivityDeps) {
  return {
    /** Holds the scheduler's runtime watch (see `RuntimeWatch`) until the run is up. */
    async watchRooms(input: { schedulerName: string }): Promise<SupervisionOutcome> {
      return superviseActivity(Context.current(), deps.runDurationMs, deps.slots, async (signal) =>
        new RuntimeWatch(deps, input.schedulerName).run(signal),
      );
    },
  };
}

export type WatcherActivities = ReturnType<typeof createWatcherActivities>;
