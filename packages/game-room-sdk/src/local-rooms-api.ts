import type { ForwardResult, PlayerEvent, RoomEvent, RoomReport } from '@maestro/rooms-client';
import type { GameRoomLogger, RoomsApi } from './rooms-api';

/** A call the room would have made to the Rooms API. */
export type LocalCall =
  | { kind: 'ping'; scheduler: string; roomId: string; report: RoomReport }
  | { kind: 'roomEvent'; scheduler: string; roomId: string; event: RoomEvent }
  | { kind: 'playerEvent'; scheduler: string; roomId: string; event: PlayerEvent };

/**
 * The Rooms API of local mode, in process: no maestro, no network. It logs every call the room
 * makes (`local mode: ping`…), keeps them in `calls` (for a game's own tests) and answers as a
 * healthy Rooms API would: pings recorded, events forwarded.
 */
export class LocalRoomsApi implements RoomsApi {
  readonly calls: LocalCall[] = [];

  constructor(private readonly log: GameRoomLogger) {}

  ping(scheduler: string, roomId: string, report: RoomReport): Promise<boolean> {
    this.record({ kind: 'ping', scheduler, roomId, report });
    return Promise.resolve(true);
  }

  roomEvent(scheduler: string, roomId: string, event: RoomEvent): Promise<ForwardResult> {
    this.record({ kind: 'roomEvent', scheduler, roomId, event });
    return Promise.resolve({ success: true, message: '' });
  }

  playerEvent(scheduler: string, roomId: string, event: PlayerEvent): Promise<ForwardResult> {
    this.record({ kind: 'playerEvent', scheduler, roomId, event });
    return Promise.resolve({ success: true, message: '' });
  }

  close(): void {}

  private record(call: LocalCall): void {
    this.calls.push(call);
    const { kind, scheduler, roomId, ...payload } = call;
    this.log.info(`local mode: ${kind}`, { scheduler, roomId, ...payload });
  }
}
