import type { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Logger } from 'pino';
import type { SupervisedWorkOutcome } from '../src/app/supervised-work';
import type { SupervisorRegistry } from '../src/ports/process-leases';

/**
 * How a supervisor activity ended, as its workflow sees it: its scheduler is gone (the workflow
 * ends), or its run was up (`rotated`: the workflow runs it again).
 */
export type SupervisionOutcome = 'scheduler_deleted' | 'rotated';

/** How often a supervisor heartbeats; the SDK sends at most one per throttle interval. */
const HEARTBEAT_INTERVAL_MS = 5_000;

/** What every supervisor activity is given besides its own dependencies. */
export interface SupervisionRun {
  /** How long one activity run lasts before it hands over to the next (`rotated`). */
  runDurationMs: number;
  /** This process's slots for supervisors (one per scheduler). */
  slots: SupervisionSlots;
  /** The process's liveness lease, under which each attempt is registered for fast failover. */
  liveness: SupervisorRegistry;
  /** Aborted when this process begins to stop: its supervisors hand over at once. */
  shutdown: AbortSignal;
}

/**
 * Runs a supervisor's long-running work under the process's liveness lease (a peer hands the
 * attempt back to Temporal within about the lease TTL if this process dies), heartbeating rarely
 * (so Temporal still notices a dead process if leases fail, and delivers cancellation); stopped
 * when the run is up (`rotated`), the activity is canceled (rethrown as the cancellation), the
 * process lost its lease or began to stop (retryable failures: Temporal runs it again, wherever a
 * slot is free, without waiting for the worker's shutdown grace time); `scheduler_deleted` when
 * the work found its scheduler gone.
 */
export async function superviseActivity(
  context: Context,
  { runDurationMs, slots, liveness, shutdown }: SupervisionRun,
  work: (signal: AbortSignal) => Promise<SupervisedWorkOutcome>,
): Promise<SupervisionOutcome> {
  const { workflowExecution, activityId, base64TaskToken } = context.info;
  const hold = await liveness.hold({
    key: `${workflowExecution?.workflowId ?? 'standalone'}/${activityId}`,
    taskToken: base64TaskToken,
  });
  const release = slots.acquire();
  const rotation = new AbortController();
  const rotate = setTimeout(() => rotation.abort(), runDurationMs);
  const beat = setInterval(() => context.heartbeat(), HEARTBEAT_INTERVAL_MS);
  try {
    const stop = AbortSignal.any([
      context.cancellationSignal,
      rotation.signal,
      hold.lost,
      shutdown,
    ]);
    const outcome = await work(stop);
    if (context.cancellationSignal.aborted) throw context.cancellationSignal.reason;
    if (hold.lost.aborted) throw leaseLost(hold.lost.reason);
    if (shutdown.aborted) throw handedOver();
    return outcome === 'scheduler_deleted' ? 'scheduler_deleted' : 'rotated';
  } finally {
    clearTimeout(rotate);
    clearInterval(beat);
    release();
    await hold.release().catch(() => undefined); // a lapsed lease's attempts are forgotten anyway
  }
}

const leaseLost = (reason: unknown) =>
  ApplicationFailure.create({
    message: reason instanceof Error ? reason.message : 'this process lost its liveness lease',
    type: 'ProcessLeaseLost',
    nextRetryDelay: '1 second', // not the grown backoff of an attempt that was handed over before
  });

const handedOver = () =>
  ApplicationFailure.create({
    message: 'this process is stopping: the supervisor runs again on another one',
    type: 'ProcessStopping',
    nextRetryDelay: '1 second',
  });

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
