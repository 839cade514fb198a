import type { DescMethod, Message } from '@bufbuild/protobuf';
import { RoomAuthenticationError } from '../../domain/game-room/errors';
import { isRoomToken } from '../../app/rooms-token';
import {
  SEVERAL_AUTHORIZATIONS,
  singleAuthorization,
  type Authorization,
} from '../shared/authorization';

export interface RoomAuthConfig {
  /** When false (the default), requests are not checked. */
  isRequired: boolean;
  /** The deployment's secret the rooms' tokens derive from (see rooms-token.ts). */
  secret: string;
}

const BEARER = /^bearer\s+(\S+)\s*$/i;

/**
 * Opt-in room authentication: every RPC about one room (all but AllocateRoom, which matchmakers
 * call) must carry that room's token as `authorization: Bearer <token>` (an HTTP header or gRPC
 * metadata). A missing or wrong token is UNAUTHENTICATED (HTTP 401).
 */
export class RoomAuthenticator {
  constructor(private readonly config: RoomAuthConfig) {}

  /** Whether requests are checked at all. */
  get isRequired(): boolean {
    return this.config.isRequired;
  }

  /** True for RPCs whose request names a room (`room_name`). */
  static isRoomScoped(method: DescMethod): boolean {
    return method.input.fields.some((field) => field.name === 'room_name');
  }

  /** Throws RoomAuthenticationError unless the call may go on. */
  check(scheduler: string, roomId: string, sent: Authorization): void {
    if (!this.config.isRequired) return;
    const authorization = singleAuthorization(
      sent,
      () => new RoomAuthenticationError(scheduler, roomId, SEVERAL_AUTHORIZATIONS),
    );
    const token = authorization === undefined ? undefined : BEARER.exec(authorization)?.[1];
    if (token === undefined) {
      throw new RoomAuthenticationError(
        scheduler,
        roomId,
        'missing room token (authorization: Bearer <MAESTRO_ROOM_TOKEN>)',
      );
    }
    if (!isRoomToken(this.config.secret, scheduler, roomId, token)) {
      throw new RoomAuthenticationError(scheduler, roomId, 'invalid room token');
    }
  }

  /** `check` for a decoded request of a room-scoped RPC (native gRPC). */
  checkMessage(method: DescMethod, request: Message, authorization: Authorization): void {
    if (!this.config.isRequired || !RoomAuthenticator.isRoomScoped(method)) return;
    const { schedulerName, roomName } = request as unknown as {
      schedulerName: string;
      roomName: string;
    };
    this.check(schedulerName, roomName, authorization);
  }
}
