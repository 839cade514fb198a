import type { Logger } from 'pino';
import type { RoomEventKind } from '../domain/game-room/forwarding';
import { PingStatus, type ReportedPingStatus } from '../domain/game-room/status';
import { parsePlayerEventType, PLAYER_EVENT_TYPES, type GameRoom } from '../domain/game-room/room';
import type { JsonObject, Scheduler } from '../domain/scheduler/scheduler';
import type { RoomStore } from '../ports/room-store';
import type { SchedulerCache } from '../ports/scheduler-cache';
import type { RoomsForwarding } from './rooms-forwarding';

/** The answer of the event routes: Maestro's `{success, message}`. */
export interface EventAnswer {
  success: boolean;
  /** Why it failed ("" on success); one line per failed forwarder. */
  message: string;
}

export interface RoomEventsDeps {
  rooms: RoomStore;
  schedulers: SchedulerCache;
  forwarding: RoomsForwarding;
  log: Logger;
}

const ok: EventAnswer = { success: true, message: '' };
const failed = (message: string): EventAnswer => ({ success: false, message });

const LEAVING: readonly string[] = [PingStatus.TERMINATING, PingStatus.TERMINATED];

/**
 * Room events, player events and the deprecated status report: forwarded synchronously, since
 * their answer says whether forwarding succeeded. Nothing is stored. Every failure is an answer
 * with `success: false` and a message, never an error.
 */
export class RoomsEvents {
  constructor(private readonly deps: RoomEventsDeps) {}

  /** POST …/roomevent: a free-form event (`eventType=roomEvent, roomEvent=<event>`). */
  async roomEvent(input: {
    scheduler: string;
    roomId: string;
    event: string;
    metadata: JsonObject;
  }): Promise<EventAnswer> {
    if (input.event === '') return failed('event is required');
    return this.forwardRoomEvent(input, { type: 'roomEvent', name: input.event });
  }

  /** PUT …/status (deprecated): a `status` event with `pingType=<status>`; nothing stored. */
  async statusEvent(input: {
    scheduler: string;
    roomId: string;
    status: ReportedPingStatus;
    metadata: JsonObject;
  }): Promise<EventAnswer> {
    return this.forwardRoomEvent(input, { type: 'status', pingStatus: input.status });
  }

  /** POST …/playerevent: `playerJoin` / `playerLeft` with a string `metadata.playerId`. */
  async playerEvent(input: {
    scheduler: string;
    roomId: string;
    event: string;
    metadata: JsonObject;
  }): Promise<EventAnswer> {
    const eventType = parsePlayerEventType(input.event);
    if (!eventType) {
      return failed(
        `invalid player event "${input.event}": must be one of ${PLAYER_EVENT_TYPES.join(', ')}`,
      );
    }
    if (typeof input.metadata['playerId'] !== 'string') {
      return failed('metadata must contain a string "playerId" in player events');
    }
    return this.withScheduler(input.scheduler, (scheduler) =>
      this.deps.forwarding.forwardPlayerEvent(scheduler, {
        roomId: input.roomId,
        eventType,
        metadata: input.metadata,
      }),
    );
  }

  private async forwardRoomEvent(
    input: { scheduler: string; roomId: string; metadata: JsonObject },
    kind: RoomEventKind,
  ): Promise<EventAnswer> {
    return this.withScheduler(input.scheduler, async (scheduler) => {
      const room = await this.deps.rooms.getRoom(input.scheduler, input.roomId);
      if (room?.isValidationRoom) return { isSuccess: true, failures: [] };
      // A room on its way out may be gone already: its event still goes out, without an address.
      if (!room && !isLeaving(kind)) {
        return { isSuccess: false, failures: [`room ${input.roomId} not found`] };
      }
      return this.deps.forwarding.forwardRoomEvent(scheduler, {
        kind,
        roomId: input.roomId,
        address: addressOf(room),
        metadata: input.metadata,
      });
    });
  }

  private async withScheduler(
    name: string,
    forward: (scheduler: Scheduler) => Promise<{ isSuccess: boolean; failures: string[] }>,
  ): Promise<EventAnswer> {
    try {
      const scheduler = await this.deps.schedulers.get(name);
      if (!scheduler) return failed(`scheduler ${name} not found`);
      const outcome = await forward(scheduler);
      return outcome.isSuccess ? ok : failed(outcome.failures.join('\n'));
    } catch (error) {
      // Storage or scheduler lookup failures are ours, not the room's: logged, not detailed.
      this.deps.log.warn({ err: error, scheduler: name }, 'event not forwarded');
      return failed('event not forwarded: internal error');
    }
  }
}

function isLeaving(kind: RoomEventKind): boolean {
  return LEAVING.includes(kind.type === 'roomEvent' ? kind.name : kind.pingStatus);
}

const addressOf = (room: GameRoom | undefined) => room?.instance?.address;
