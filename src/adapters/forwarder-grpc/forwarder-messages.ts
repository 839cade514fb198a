/** Domain forwarder messages → `eventforwarder` protobuf messages, with each RPC's path. */
import { create, toBinary, type DescMessage, type MessageShape } from '@bufbuild/protobuf';
import type { ForwarderMessage, ForwardedStatusType } from '../../domain/game-room/forwarding';
import { PlayerEventType } from '../../domain/game-room/room';
import {
  GRPCForwarder,
  PlayerEvent_PlayerEventType,
  PlayerEventSchema,
  RoomEventSchema,
  RoomStatus_RoomStatusType,
  RoomStatusSchema,
} from '../../gen/eventforwarder/events_pb';

/** One encoded call: the method path and the request bytes. */
export interface EncodedCall {
  path: string;
  bytes: Buffer;
}

const STATUS_TYPES: Readonly<Record<ForwardedStatusType, RoomStatus_RoomStatusType>> = {
  ready: RoomStatus_RoomStatusType.ready,
  occupied: RoomStatus_RoomStatusType.occupied,
  terminating: RoomStatus_RoomStatusType.terminating,
  terminated: RoomStatus_RoomStatusType.terminated,
};

const PLAYER_EVENT_TYPES: Readonly<Record<PlayerEventType, PlayerEvent_PlayerEventType>> = {
  [PlayerEventType.JOIN]: PlayerEvent_PlayerEventType.PLAYER_JOINED,
  [PlayerEventType.LEFT]: PlayerEvent_PlayerEventType.PLAYER_LEFT,
};

const encode = <Desc extends DescMessage>(schema: Desc, message: MessageShape<Desc>) =>
  Buffer.from(toBinary(schema, message));

const path = (method: ForwarderMessage['rpc']) => `/${GRPCForwarder.typeName}/${method}`;

export function encodeForwarderMessage(message: ForwarderMessage): EncodedCall {
  switch (message.rpc) {
    case 'SendRoomEvent':
      return {
        path: path(message.rpc),
        bytes: encode(
          RoomEventSchema,
          create(RoomEventSchema, { room: message.room, eventType: message.eventType }),
        ),
      };
    case 'SendRoomStatus':
    case 'SendRoomResync':
      return {
        path: path(message.rpc),
        bytes: encode(
          RoomStatusSchema,
          create(RoomStatusSchema, {
            room: message.room,
            statusType: STATUS_TYPES[message.statusType],
          }),
        ),
      };
    case 'SendPlayerEvent':
      return {
        path: path(message.rpc),
        bytes: encode(
          PlayerEventSchema,
          create(PlayerEventSchema, {
            playerId: message.playerId,
            room: message.room,
            eventType: PLAYER_EVENT_TYPES[message.eventType],
            metadata: message.metadata,
          }),
        ),
      };
  }
}
