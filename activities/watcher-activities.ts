import { Context } from '@temporalio/activity';
import { HealthWatch, type HealthWatchDeps } from '../src/app/health-watch';
import { RuntimeWatch, type RuntimeWatchDeps } from '../src/app/runtime-watch';
import type { SupervisedWorkOutcome } from '../src/app/supervised-work';
import { superviseActivity, type SupervisionOutcome, type SupervisionRun } from './supervision';

export type WatcherActivityDeps = RuntimeWatchDeps & Omit<HealthWatchDeps, 'log'> & SupervisionRun;

/** The runtime watcher module's activity (task queue `maestro-runtime-watcher`). */
export function createWatcherActivities(deps: WatcherActivityDeps) {
  return {
    /**
     * Holds the scheduler's runtime watch (see `RuntimeWatch`) and its health watch (see
     * `HealthWatch`; off when `healthWatchIntervalMs` is 0) until the run is up. Either finding the
     * scheduler gone ends both.
     */
    async watchRooms(input: { schedulerName: string }): Promise<SupervisionOutcome> {
      return superviseActivity(Context.current(), deps, (signal) =>
        watchScheduler(deps, input.schedulerName, signal),
      );
    },
  };
}

async function watchScheduler(
  deps: WatcherActivityDeps,
  schedulerName: string,
  signal: AbortSignal,
): Promise<SupervisedWorkOutcome> {
  const both = new AbortController();
  const stop = AbortSignal.any([signal, both.signal]);
  const endBothIfDeleted = (outcome: SupervisedWorkOutcome) => {
    if (outcome === 'scheduler_deleted') both.abort();
    return outcome;
  };
  const health = deps.healthWatchIntervalMs > 0 ? new HealthWatch(deps, schedulerName) : undefined;
  // A failure of one (rethrown: Temporal retries the activity) stops the other too.
  const stopBothOnFailure = (error: unknown): never => {
    both.abort();
    throw error;
  };
  const outcomes = await Promise.all([
    new RuntimeWatch(deps, schedulerName, () => health?.poke())
      .run(stop)
      .then(endBothIfDeleted, stopBothOnFailure),
    health?.run(stop).then(endBothIfDeleted, stopBothOnFailure) ??
      Promise.resolve<SupervisedWorkOutcome>('stopped'),
  ]);
  return outcomes.includes('scheduler_deleted') ? 'scheduler_deleted' : 'stopped';
}

export type WatcherActivities = ReturnType<typeof createWatcherActivities>;
