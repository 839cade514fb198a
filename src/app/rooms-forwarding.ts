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
import { LogThrottle } from './log-throttle';
import { ForwardingFailedError, type ForwarderClient, type RoomsMetrics } from '../ports/forwarder';

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
}

/**
 * Forwards room and player events to the scheduler's enabled forwarders, all of them, in
 * parallel: unlike Maestro, one failing forwarder neither hides the others' failures nor stops
 * them from receiving the event. Each attempt is counted per forwarder.
 */
export class RoomsForwarding {
  private readonly failureLogs = new LogThrottle();

  constructor(private readonly deps: RoomsForwardingDeps) {}

  /** `input.game` is ignored: the scheduler's game is sent. */
  forwardRoomEvent(
    scheduler: Scheduler,
    input: Omit<RoomEventInput, 'game'>,
  ): Promise<ForwardOutcome> {
    const event = { ...input, game: scheduler.game };
    return this.toEveryForwarder(scheduler, 'room', (forwarder) =>
      roomEventMessage(event, forwarder),
    );
  }

  forwardPlayerEvent(
    scheduler: Scheduler,
    input: Omit<PlayerEventInput, 'game'>,
  ): Promise<ForwardOutcome> {
    const event = { ...input, game: scheduler.game };
    return this.toEveryForwarder(scheduler, 'player', (forwarder) =>
      playerEventMessage(event, forwarder),
    );
  }

  private async toEveryForwarder(
    scheduler: Scheduler,
    kind: 'room' | 'player',
    build: (forwarder: Forwarder) => ForwarderMessage,
  ): Promise<ForwardOutcome> {
    const enabled = scheduler.forwarders.filter((forwarder) => forwarder.enable);
    const results = await Promise.all(
      enabled.map((forwarder) => this.forwardTo(scheduler, kind, forwarder, build)),
    );
    const failures = results.filter((failure): failure is string => failure !== undefined);
    return { isSuccess: failures.length === 0, failures };
  }

  /** Forwards to one forwarder; returns why it failed, or undefined. */
  private async forwardTo(
    scheduler: Scheduler,
    kind: 'room' | 'player',
    forwarder: Forwarder,
    build: (forwarder: Forwarder) => ForwarderMessage,
  ): Promise<string | undefined> {
    const labels = {
      kind,
      game: scheduler.game,
      scheduler: scheduler.name,
      forwarder: forwarder.name,
    };
    try {
      await this.deps.client.send(forwarder, build(forwarder));
      this.deps.metrics.eventForwarded({ ...labels, isSuccess: true, code: 'OK' });
      return undefined;
    } catch (error) {
      const { code, message } = describeFailure(error);
      this.deps.metrics.eventForwarded({ ...labels, isSuccess: false, code });
      this.logFailure(scheduler.name, forwarder.name, code, message);
      return message;
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
