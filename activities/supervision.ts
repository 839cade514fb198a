import type { Context } from '@temporalio/activity';
import type { Logger } from 'pino';
import type { SupervisionOutcome } from '../workflows/supervision';

/** How often a supervisor heartbeats; the SDK sends at most one per throttle interval. */
const HEARTBEAT_INTERVAL_MS = 5_000;

/** What every supervisor activity is given besides its own dependencies. */
export interface SupervisionRun {
  /** How long one activity run lasts before it hands over to the next (`rotated`). */
  runDurationMs: number;
  /** This process's slots for supervisors (one per scheduler). */
  slots: SupervisionSlots;
}

/**
 * Runs a supervisor's long-running work: heartbeating (so Temporal notices a dead process and
 * delivers cancellation), stopped when the run is up (`rotated`) or the activity is canceled
 * (rethrown as the cancellation), `scheduler_deleted` when the work found its scheduler gone.
 */
export async function superviseActivity(
  context: Context,
  { runDurationMs, slots }: SupervisionRun,
  work: (signal: AbortSignal) => Promise<'scheduler_deleted' | 'stopped'>,
): Promise<SupervisionOutcome> {
  const release = slots.acquire();
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
    release();
  }
}

/**
 * The supervisors one process runs, against its activity slots (one per supervised scheduler).
 * Once every slot is taken, further schedulers' supervisors wait in the task queue for another
 * process: that is said in the log and in the gauge, never silent.
 */
export class SupervisionSlots {
  private inUse = 0;

  constructor(
    /** The process's slots (`maxConcurrentActivityTaskExecutions` of its worker). */
    readonly capacity: number,
    private readonly module: string,
    private readonly log: Pick<Logger, 'warn' | 'info'>,
    private readonly report: (inUse: number, capacity: number) => void = () => {},
  ) {
    report(0, capacity);
  }

  /** Takes a slot for a running supervisor; returns its release. */
  acquire(): () => void {
    this.inUse += 1;
    this.report(this.inUse, this.capacity);
    if (this.inUse === this.capacity) {
      this.log.warn(
        { module: this.module, slots: this.capacity },
        `all ${this.capacity} supervision slots of this ${this.module} process are taken: more ` +
          `schedulers' supervisors wait until a slot frees; run another ${this.module} process ` +
          'or raise MAESTRO_SUPERVISION_SCHEDULERS_PER_PROCESS',
      );
    }
    let isReleased = false;
    return () => {
      if (isReleased) return;
      isReleased = true;
      if (this.inUse === this.capacity) {
        this.log.info({ module: this.module }, 'a supervision slot is free again');
      }
      this.inUse -= 1;
      this.report(this.inUse, this.capacity);
    };
  }
}
