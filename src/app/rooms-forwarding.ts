import type { Logger } from 'pino';
import {
  playerEventMessage,
  roomEventMessage,
  UnforwardableEventError,
  type ForwarderMessage,
  type PlayerEventInput,
  type RoomEventInput,
} from '../domain/game-room/forwarding';
import type { Forwarder, Scheduler } from '../domain/scheduler/scheduler';
import {
  ForwardingFailedError,
  type ForwardLabels,
  type ForwarderClient,
  type RoomsMetrics,
} from '../ports/forwarder';
import {
  ForwarderLanes,
  type ForwardingLimits,
  type LaneBacklog,
  type LaneResult,
} from './forwarder-lanes';
import { LogThrottle } from './log-throttle';

/** The result of forwarding one event to every enabled forwarder of a scheduler. */
export interface ForwardOutcome {
  isSuccess: boolean;
  /** One line per forwarder that failed, in the scheduler's order. */
  failures: string[];
}

export interface RoomsForwardingDeps {
  client: ForwarderClient;
  metrics: RoomsMetrics;
  log: Logger;
  /** Per forwarder: calls in flight and events queued at most (DEFAULT_FORWARDING_LIMITS). */
  limits?: ForwardingLimits;
  /** Each forward runs in the context of the request that produced it (tracing on). */
  keepsCallerContext?: boolean;
}

/** What is being forwarded, for the lane: which room, and whether it is a coalescable state. */
interface EventOf {
  kind: 'room' | 'player';
  roomId: string;
  isResync: boolean;
}

/**
 * Forwards room and player events to the scheduler's enabled forwarders, all of them, in
 * parallel: unlike Maestro, one failing forwarder neither hides the others' failures nor stops
 * them from receiving the event. Each forwarder gets a bounded number of calls at once and a
 * bounded queue (ForwarderLanes) where a room's pending resyncs coalesce. Each attempt, each
 * coalesced resync and each dropped event is counted per forwarder.
 */
export class RoomsForwarding {
  private readonly failureLogs = new LogThrottle();
  private readonly lanes: ForwarderLanes;

  constructor(private readonly deps: RoomsForwardingDeps) {
    this.lanes = new ForwarderLanes(deps.client, deps.limits, deps.keepsCallerContext);
  }

  /** Drops the events still queued (counted, reason `shutdown`); calls in flight go on. */
  dropQueued(): void {
    this.lanes.dropQueued();
  }

  /** Every forwarder's queue length and calls in flight (the backlog gauges). */
  backlog(): LaneBacklog[] {
    return this.lanes.backlog();
  }

  /** `input.game` is ignored: the scheduler's game is sent. */
  forwardRoomEvent(
    scheduler: Scheduler,
    input: Omit<RoomEventInput, 'game'>,
  ): Promise<ForwardOutcome> {
    const event = { ...input, game: scheduler.game };
    const of = {
      kind: 'room',
      roomId: input.roomId,
      isResync: input.kind.type === 'resync',
    } as const;
    return this.toEveryForwarder(scheduler, of, (forwarder) => roomEventMessage(event, forwarder));
  }

  forwardPlayerEvent(
    scheduler: Scheduler,
    input: Omit<PlayerEventInput, 'game'>,
  ): Promise<ForwardOutcome> {
    const event = { ...input, game: scheduler.game };
    const of = { kind: 'player', roomId: input.roomId, isResync: false } as const;
    return this.toEveryForwarder(scheduler, of, (forwarder) =>
      playerEventMessage(event, forwarder),
    );
  }

  private async toEveryForwarder(
    scheduler: Scheduler,
    of: EventOf,
    build: (forwarder: Forwarder) => ForwarderMessage,
  ): Promise<ForwardOutcome> {
    const enabled = scheduler.forwarders.filter((forwarder) => forwarder.enable);
    const results = await Promise.all(
      enabled.map((forwarder) => this.forwardTo(scheduler, of, forwarder, build)),
    );
    const failures = results.filter((failure): failure is string => failure !== undefined);
    return { isSuccess: failures.length === 0, failures };
  }

  /** Forwards to one forwarder; returns why it failed, or undefined. */
  private async forwardTo(
    scheduler: Scheduler,
    of: EventOf,
    forwarder: Forwarder,
    build: (forwarder: Forwarder) => ForwarderMessage,
  ): Promise<string | undefined> {
    const labels: ForwardLabels = {
      kind: of.kind,
      game: scheduler.game,
      scheduler: scheduler.name,
      forwarder: forwarder.name,
    };
    let result: LaneResult;
    try {
      const message = build(forwarder);
      const { roomId: room, isResync: isCoalescable } = of;
      result = await this.lanes.send({
        scheduler: scheduler.name,
        forwarder,
        message,
        room,
        isCoalescable,
      });
    } catch (error) {
      result = { outcome: 'failed', error };
    }
    return this.count(labels, result);
  }

  /** Counts how the forward ended; returns why it failed, or undefined. */
  private count(labels: ForwardLabels, result: LaneResult): string | undefined {
    switch (result.outcome) {
      case 'sent':
        this.deps.metrics.eventForwarded({ ...labels, isSuccess: true, code: 'OK' });
        return undefined;
      case 'coalesced':
        this.deps.metrics.eventCoalesced(labels);
        return undefined;
      case 'dropped': {
        this.deps.metrics.eventDropped({ ...labels, reason: result.reason });
        const why = result.reason === 'queue_full' ? 'its queue is full' : 'the module is stopping';
        const message = `event not forwarded to "${labels.forwarder}": ${why}`;
        this.logFailure(labels.scheduler, labels.forwarder, 'Dropped', message);
        return message;
      }
      case 'failed': {
        const { code, message } = describeFailure(result.error);
        this.deps.metrics.eventForwarded({ ...labels, isSuccess: false, code });
        this.logFailure(labels.scheduler, labels.forwarder, code, message);
        return message;
      }
    }
  }

  /** One warning per scheduler and forwarder every 10 s: a backend outage must not flood the logs. */
  private logFailure(scheduler: string, forwarder: string, code: string, message: string): void {
    this.failureLogs.run(`${scheduler}/${forwarder}`, (suppressed) =>
      this.deps.log.warn(
        { scheduler, forwarder, code, reason: message, suppressed },
        'event forwarding failed',
      ),
    );
  }
}

function describeFailure(error: unknown): { code: string; message: string } {
  if (error instanceof ForwardingFailedError) return { code: error.code, message: error.message };
  if (error instanceof UnforwardableEventError)
    return { code: 'NoAddress', message: error.message };
  return {
    code: 'Unknown',
    message: `forwarding failed: ${error instanceof Error ? error.message : String(error)}`,
  };
}
