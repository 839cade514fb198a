import { Context } from '@temporalio/activity';
import { RuntimeWatch, type RuntimeWatchDeps } from '../src/app/runtime-watch';
import { superviseActivity, type SupervisionOutcome, type SupervisionRun } from './supervision';

export type WatcherActivityDeps = RuntimeWatchDeps & SupervisionRun;

/** The runtime watcher module's activity (task queue `maestro-runtime-watcher`). */
export function createWatcherActivities(deps: WatcherActivityDeps) {
  return {
    /** Holds the scheduler's runtime watch (see `RuntimeWatch`) until the run is up. */
    async watchRooms(input: { schedulerName: string }): Promise<SupervisionOutcome> {
      return superviseActivity(Context.current(), deps, async (signal) =>
        new RuntimeWatch(deps, input.schedulerName).run(signal),
      );
    },
  };
}

export type WatcherActivities = ReturnType<typeof createWatcherActivities>;
