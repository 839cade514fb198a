import type { Context } from '@temporalio/activity';
import type { SupervisionOutcome } from '../workflows/supervision';

/** How often a supervisor heartbeats; the SDK sends at most one per throttle interval. */
const HEARTBEAT_INTERVAL_MS = 5_000;

/**
 * Runs a supervisor's long-running work: heartbeating (so Temporal notices a dead process and
 * delivers cancellation), stopped when the run is up (`rotated`) or the activity is canceled
 * (rethrown as the cancellation), `scheduler_deleted` when the work found its scheduler gone.
 */
export async function superviseActivity(
  context: Context,
  runDurationMs: number,
  work: (signal: AbortSignal) => Promise<'scheduler_deleted' | 'stopped'>,
): Promise<SupervisionOutcome> {
  const rotation = new AbortController();
  const rotate = setTimeout(() => rotation.abort(), runDurationMs);
  const beat = setInterval(() => context.heartbeat(), HEARTBEAT_INTERVAL_MS);
  try {
    const outcome = await work(AbortSignal.any([context.cancellationSignal, rotation.signal]));
    if (context.cancellationSignal.aborted) throw context.cancellationSignal.reason;
    return outcome === 'scheduler_deleted' ? 'scheduler_deleted' : 'rotated';
  } finally {
    clearTimeout(rotate);
    clearInterval(beat);
  }
}
