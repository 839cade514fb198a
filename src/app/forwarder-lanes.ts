import { AsyncLocalStorage } from 'node:async_hooks';
import type { ForwarderMessage } from '../domain/game-room/forwarding';
import { ForwardingQueue } from '../domain/game-room/forwarding-queue';
import type { Forwarder } from '../domain/scheduler/scheduler';
import type { ForwardDropReason, ForwarderClient } from '../ports/forwarder';

/** How much each forwarder of each scheduler is given at once. */
export interface ForwardingLimits {
  /** Calls in flight toward one forwarder at most; the next ones wait in its queue. */
  maxInFlight: number;
  /** Events waiting for one forwarder at most; beyond it new events are dropped. */
  maxQueued: number;
}

export const DEFAULT_FORWARDING_LIMITS: ForwardingLimits = { maxInFlight: 64, maxQueued: 10_000 };

/** What became of one event sent through a lane. */
export type LaneResult =
  | { outcome: 'sent' }
  | { outcome: 'failed'; error: unknown }
  /** A newer state of the same room took its place in the queue; that one is sent instead. */
  | { outcome: 'coalesced' }
  | { outcome: 'dropped'; reason: ForwardDropReason };

/** One event to send: `room` orders and coalesces it; a resync is coalescable. */
export interface LaneEvent {
  scheduler: string;
  forwarder: Forwarder;
  message: ForwarderMessage;
  room: string;
  isCoalescable: boolean;
}

/** One lane's load, for the backlog gauges. */
export interface LaneBacklog {
  scheduler: string;
  forwarder: string;
  queued: number;
  inFlight: number;
}

interface Waiting {
  event: LaneEvent;
  settle: (result: LaneResult) => void;
  /** Runs the call in the async context of whoever queued the event (`keepsCallerContext`). */
  inCallerContext?: <R>(call: () => R) => R;
}

interface Lane {
  scheduler: string;
  forwarder: string;
  queue: ForwardingQueue<Waiting>;
  inFlight: number;
}

/**
 * One lane per scheduler and forwarder: at most `maxInFlight` calls toward it at once, the rest
 * waiting in a bounded queue (ForwardingQueue) where a room's pending resyncs coalesce. A call's
 * deadline starts when it is sent, so waiting never turns into DeadlineExceeded. A lane with
 * nothing queued or in flight is forgotten. With `keepsCallerContext`, a call runs in the async
 * context of the code that queued its event, not in that of the call before it (a trace's span
 * then parents the forward).
 */
export class ForwarderLanes {
  private readonly lanes = new Map<string, Lane>();

  constructor(
    private readonly client: ForwarderClient,
    private readonly limits: ForwardingLimits = DEFAULT_FORWARDING_LIMITS,
    private readonly keepsCallerContext = false,
  ) {}

  /** Sends `event` when its lane has room; never rejects. */
  send(event: LaneEvent): Promise<LaneResult> {
    const lane = this.laneOf(event.scheduler, event.forwarder.name);
    const inCallerContext = this.keepsCallerContext ? AsyncLocalStorage.snapshot() : undefined;
    return new Promise((settle) => {
      const waiting: Waiting = { event, settle, ...(inCallerContext && { inCallerContext }) };
      const offer = lane.queue.offer(waiting, event.room, event.isCoalescable);
      if (offer.outcome === 'coalesced') offer.replaced.settle({ outcome: 'coalesced' });
      if (offer.outcome === 'dropped') settle({ outcome: 'dropped', reason: 'queue_full' });
      this.pump(lane);
    });
  }

  /**
   * Drops every queued event (`shutdown`), for a module that stops: calls in flight still end on
   * their own, at the latest at their deadline.
   */
  dropQueued(): void {
    for (const lane of this.lanes.values()) {
      for (const waiting of lane.queue.takeAll()) {
        waiting.settle({ outcome: 'dropped', reason: 'shutdown' });
      }
      if (lane.inFlight === 0) this.forget(lane);
    }
  }

  /** Every lane's queue length and calls in flight. */
  backlog(): LaneBacklog[] {
    return [...this.lanes.values()].map(({ scheduler, forwarder, queue, inFlight }) => ({
      scheduler,
      forwarder,
      queued: queue.size,
      inFlight,
    }));
  }

  private pump(lane: Lane): void {
    while (lane.inFlight < this.limits.maxInFlight) {
      const next = lane.queue.take();
      if (!next) break;
      lane.inFlight += 1;
      const call = () => this.client.send(next.event.forwarder, next.event.message);
      void (next.inCallerContext ? next.inCallerContext(call) : call()).then(
        () => this.done(lane, next, { outcome: 'sent' }),
        (error: unknown) => this.done(lane, next, { outcome: 'failed', error }),
      );
    }
    if (lane.inFlight === 0 && lane.queue.size === 0) this.forget(lane);
  }

  private done(lane: Lane, waiting: Waiting, result: LaneResult): void {
    lane.inFlight -= 1;
    waiting.settle(result);
    this.pump(lane);
  }

  private laneOf(scheduler: string, forwarder: string): Lane {
    const key = laneKey(scheduler, forwarder);
    let lane = this.lanes.get(key);
    if (!lane) {
      lane = {
        scheduler,
        forwarder,
        queue: new ForwardingQueue(this.limits.maxQueued),
        inFlight: 0,
      };
      this.lanes.set(key, lane);
    }
    return lane;
  }

  private forget(lane: Lane): void {
    const key = laneKey(lane.scheduler, lane.forwarder);
    if (this.lanes.get(key) === lane) this.lanes.delete(key);
  }
}

const laneKey = (scheduler: string, forwarder: string) => `${scheduler}\u0000${forwarder}`;
