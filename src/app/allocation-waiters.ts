import { setTimeout as sleep } from 'node:timers/promises';

/** Polling of waiting allocations: 50 ms, then every 100 ms; the scheduler re-nudged every 10 s. */
export const ALLOCATION_POLL = { firstMs: 50, maxMs: 100, renudgeMs: 10_000 } as const;

export interface AllocationWaitersDeps {
  /** Tells the scheduler that rooms are still wanted (its first nudge is the caller's). */
  nudge: (scheduler: string) => void;
  /** The clock of the waiters' deadlines, epoch ms. */
  now: () => number;
  /** Pauses between attempts; default `ALLOCATION_POLL`. */
  poll?: { firstMs: number; maxMs: number; renudgeMs: number };
}

/** How one waiter leaves the queue: with a room, with nothing (deadline, caller gone), or an error. */
type Outcome<T> = { room: T | undefined } | { error: Error };

interface Queue<T> {
  waiters: ((outcome: Outcome<T>) => void)[];
  /** Takes one ready room, or undefined; the latest waiter's (its scheduler as last read). */
  take: () => Promise<T | undefined>;
}

/**
 * The allocations of this process waiting for a room, per scheduler, served oldest first by one
 * poll loop per scheduler: a burst of waiters costs one allocation attempt per poll, not one per
 * waiter. A waiter leaves with a room, at its deadline, when its caller goes away (its signal
 * aborts), or with the error of a failed attempt (every waiter of that scheduler gets it: storage is
 * unreachable for all of them).
 */
export class AllocationWaiters<T> {
  private readonly queues = new Map<string, Queue<T>>();

  constructor(private readonly deps: AllocationWaitersDeps) {}

  /** Waits in line for a room `take` hands out, until `deadline` (epoch ms) or `signal` aborts. */
  wait(
    scheduler: string,
    take: () => Promise<T | undefined>,
    deadline: number,
    signal?: AbortSignal,
  ): Promise<T | undefined> {
    if (signal?.aborted || deadline <= this.deps.now()) return Promise.resolve(undefined);
    return new Promise<T | undefined>((resolve, reject) => {
      let queue = this.queues.get(scheduler);
      const isPolling = queue !== undefined;
      if (!queue) {
        queue = { waiters: [], take };
        this.queues.set(scheduler, queue);
      }
      queue.take = take;
      const { waiters } = queue;
      const leave = (outcome: Outcome<T>) => {
        const index = waiters.indexOf(leave);
        if (index < 0) return; // served already
        waiters.splice(index, 1);
        clearTimeout(timer);
        signal?.removeEventListener('abort', gone);
        if ('error' in outcome) reject(outcome.error);
        else resolve(outcome.room);
      };
      const gone = () => leave({ room: undefined });
      const timer = setTimeout(gone, deadline - this.deps.now());
      signal?.addEventListener('abort', gone, { once: true });
      waiters.push(leave);
      if (!isPolling) void this.poll(scheduler, queue);
    });
  }

  /** Waiting allocations of `scheduler` in this process. */
  waiting(scheduler: string): number {
    return this.queues.get(scheduler)?.waiters.length ?? 0;
  }

  private async poll(scheduler: string, queue: Queue<T>): Promise<void> {
    const poll = this.deps.poll ?? ALLOCATION_POLL;
    let pauseMs = poll.firstMs;
    let nudgedAt = this.deps.now();
    try {
      while (queue.waiters.length > 0) {
        await sleep(pauseMs);
        // As many rooms as are ready, each to the oldest waiter still there.
        while (queue.waiters.length > 0) {
          const room = await queue.take();
          if (room === undefined) break;
          // Every waiter may have left during the attempt: the room then stays allocated until its
          // allocation expires, as it would for a caller gone after its answer was sent.
          queue.waiters[0]?.({ room });
        }
        pauseMs = Math.min(pauseMs * 2, poll.maxMs);
        if (queue.waiters.length > 0 && this.deps.now() - nudgedAt >= poll.renudgeMs) {
          nudgedAt = this.deps.now();
          this.deps.nudge(scheduler);
        }
      }
    } catch (caught) {
      const error = caught instanceof Error ? caught : new Error(String(caught));
      for (const leave of [...queue.waiters]) leave({ error });
    } finally {
      this.queues.delete(scheduler);
    }
  }
}
