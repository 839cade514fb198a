/**
 * Maps game rooms (domain) to the wire messages of `api.v1` that carry them: a room's ports
 * (rooms.proto's `Port`) and a listed room (scheduler_rooms.proto's `SchedulerRoom`). Pure.
 */
import { create, type MessageInitShape } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { InstancePort } from '../../domain/game-room/instance';
import { InstanceStatus } from '../../domain/game-room/instance';
import type { GameRoom } from '../../domain/game-room/room';
import { RoomStatus } from '../../domain/game-room/status';
import type { PortSchema } from '../../gen/api/v1/rooms_pb';
import {
  ListRoomsResponseSchema,
  type ListRoomsResponse,
} from '../../gen/api/v1/scheduler_rooms_pb';
import { MalformedRequestError } from './malformed-request-error';

export const toProtoPorts = (
  ports: readonly InstancePort[],
): MessageInitShape<typeof PortSchema>[] =>
  ports.map(({ name, protocol, port }) => ({ name, protocol, port }));

/** GET /schedulers/{name}/rooms. */
export function toProtoListRoomsResponse(rooms: readonly GameRoom[]): ListRoomsResponse {
  return create(ListRoomsResponseSchema, {
    rooms: rooms.map((room) => ({
      id: room.id,
      version: room.version,
      status: room.status,
      pingStatus: room.pingStatus,
      runningMatches: room.runningMatches,
      isValidationRoom: room.isValidationRoom,
      createdAt: timestampFromDate(room.createdAt),
      lastPingAt: timestampFromDate(room.lastPingAt),
      allocatedAt: room.allocatedAt && timestampFromDate(room.allocatedAt),
      instanceStatus: room.instance?.status ?? InstanceStatus.UNKNOWN,
      instanceReason: room.instance?.reason ?? '',
      host: room.instance?.address?.host ?? '',
      ports: toProtoPorts(room.instance?.address?.ports ?? []),
      metadata: room.metadata,
    })),
  });
}

/** The statuses a listed room can be in (a terminated room is no longer kept). */
const LISTED_STATUSES: readonly RoomStatus[] = Object.values(RoomStatus).filter(
  (status) => status !== RoomStatus.TERMINATED,
);

/** ListRoomsRequest.status: empty is "every room", else one of the listed statuses (400). */
export function fromListRoomsStatus(text: string): RoomStatus | undefined {
  if (text === '') return undefined;
  const status = LISTED_STATUSES.find((candidate) => candidate === text);
  if (status) return status;
  throw new MalformedRequestError([
    { field: 'status', message: `must be one of ${LISTED_STATUSES.join(', ')}` },
  ]);
}
