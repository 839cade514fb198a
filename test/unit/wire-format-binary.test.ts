/**
 * The wire contract with Maestro v1 (proto/), checked against the generated schemas in src/gen/:
 * binary encoding with Maestro's field numbers. Expected values are written from Maestro's own protos, not read back from ours.
 */
import { create, fromBinary, toBinary } from '@bufbuild/protobuf';

import * as messages from '../../src/gen/api/v1/messages_pb';
import * as operations from '../../src/gen/api/v1/operations_pb';
import * as rooms from '../../src/gen/api/v1/rooms_pb';
import * as events from '../../src/gen/eventforwarder/events_pb';

// --- a tiny independent protobuf encoder, to state expected bytes by hand ---------------------

const VARINT = 0;
const LEN = 2;

function varint(value: number | bigint): number[] {
  let v = BigInt(value);
  if (v < 0n) v += 1n << 64n;
  const out: number[] = [];
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) byte |= 0x80;
    out.push(byte);
  } while (v > 0n);
  return out;
}
const key = (field: number, wireType: number): number[] => varint((field << 3) | wireType);
const int = (field: number, value: number | bigint): number[] => [
  ...key(field, VARINT),
  ...varint(value),
];
const bytesField = (field: number, payload: number[]): number[] => [
  ...key(field, LEN),
  ...varint(payload.length),
  ...payload,
];
const str = (field: number, value: string): number[] =>
  bytesField(field, [...Buffer.from(value, 'utf8')]);
const mapEntry = (field: number, k: string, v: string): number[] =>
  bytesField(field, [...str(1, k), ...str(2, v)]);

describe('binary encoding uses Maestro field numbers', () => {
  const bin = (bytes: Uint8Array): number[] => [...bytes];

  it('UpdateRoomWithPingRequest: status=4, timestamp=5, running_matches=6', () => {
    const ping = create(rooms.UpdateRoomWithPingRequestSchema, {
      schedulerName: 's',
      roomName: 'r',
      status: 'ready',
      timestamp: 12312312313n,
      runningMatches: 2n,
    });
    const bytes = bin(toBinary(rooms.UpdateRoomWithPingRequestSchema, ping));

    expect(bytes).toEqual([
      ...str(1, 's'),
      ...str(2, 'r'),
      ...str(4, 'ready'),
      ...int(5, 12312312313n),
      ...int(6, 2),
    ]);
    // The raw tags: (4 << 3 | 2), (5 << 3 | 0), (6 << 3 | 0).
    const afterNames = 6;
    expect(bytes[afterNames]).toBe(0x22);
    expect(bytes[afterNames + 7]).toBe(0x28);
    expect(bytes[bytes.length - 2]).toBe(0x30);

    const decoded = fromBinary(
      rooms.UpdateRoomWithPingRequestSchema,
      new Uint8Array([...int(6, 3), ...int(5, 42), ...str(4, 'occupied')]),
    );
    expect(decoded).toMatchObject({ status: 'occupied', timestamp: 42n, runningMatches: 3n });
  });

  it('UpdateRoomStatusRequest and the event requests skip field 5', () => {
    const status = create(rooms.UpdateRoomStatusRequestSchema, {
      status: 'occupied',
      timestamp: 10n,
      runningMatches: 3n,
    });
    expect(bin(toBinary(rooms.UpdateRoomStatusRequestSchema, status))).toEqual([
      ...str(4, 'occupied'),
      ...int(6, 10),
      ...int(7, 3),
    ]);
    const event = create(rooms.ForwardRoomEventRequestSchema, { event: 'started', timestamp: 9n });
    expect(bin(toBinary(rooms.ForwardRoomEventRequestSchema, event))).toEqual([
      ...str(4, 'started'),
      ...int(6, 9),
    ]);
  });

  it('Scheduler: annotations=11, labels=12, match_allocation=13', () => {
    const scheduler = create(messages.SchedulerSchema, {
      roomsReplicas: 5,
      annotations: { a: 'b' },
      labels: { c: 'd' },
      matchAllocation: { maxMatches: 3 },
    });
    expect(bin(toBinary(messages.SchedulerSchema, scheduler))).toEqual([
      ...int(7, 5),
      ...mapEntry(11, 'a', 'b'),
      ...mapEntry(12, 'c', 'd'),
      ...bytesField(13, int(1, 3)),
    ]);
  });

  it('AllocateRoomResponse and ListOperationsResponse', () => {
    const allocated = create(rooms.AllocateRoomResponseSchema, {
      roomId: 'room-1',
      success: true,
      ports: [{ name: 'p', protocol: 'UDP', port: 30000 }],
      host: 'h',
    });
    expect(bin(toBinary(rooms.AllocateRoomResponseSchema, allocated))).toEqual([
      ...str(1, 'room-1'),
      ...int(2, 1),
      ...bytesField(4, [...str(1, 'p'), ...str(2, 'UDP'), ...int(3, 30000)]),
      ...str(5, 'h'),
    ]);
    const page = create(operations.ListOperationsResponseSchema, {
      page: 1,
      pageSize: 0,
      total: 13,
      operations: [{ id: 'x' }],
    });
    expect(bin(toBinary(operations.ListOperationsResponseSchema, page))).toEqual([
      ...int(1, 1),
      ...int(2, 0),
      ...int(3, 13),
      ...bytesField(4, str(1, 'x')),
    ]);
  });

  it('forwarder messages: Room host=4 port=5 roomType=7, enums as varints', () => {
    const status = create(events.RoomStatusSchema, {
      room: { game: 'g', roomId: 'r', host: 'h', port: 7000, roomType: 't' },
      statusType: events.RoomStatus_RoomStatusType.occupied,
    });
    expect(bin(toBinary(events.RoomStatusSchema, status))).toEqual([
      ...bytesField(1, [
        ...str(1, 'g'),
        ...str(2, 'r'),
        ...str(4, 'h'),
        ...int(5, 7000),
        ...str(7, 't'),
      ]),
      ...int(2, 1),
    ]);
    const player = create(events.PlayerEventSchema, {
      playerId: 'p',
      room: { game: 'g', roomId: 'r' },
      eventType: events.PlayerEvent_PlayerEventType.PLAYER_LEFT,
      metadata: { k: 'v' },
    });
    expect(bin(toBinary(events.PlayerEventSchema, player))).toEqual([
      ...str(1, 'p'),
      ...bytesField(2, [...str(1, 'g'), ...str(2, 'r')]),
      ...int(3, 1),
      ...mapEntry(4, 'k', 'v'),
    ]);
    const reply = fromBinary(
      events.ResponseSchema,
      new Uint8Array([...int(1, 500), ...str(2, 'boom')]),
    );
    expect(reply).toMatchObject({ code: 500, message: 'boom' });
  });
});
