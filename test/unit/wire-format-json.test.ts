/**
 * The wire contract with Maestro v1 (proto/), checked against the generated schemas in src/gen/:
 * the grpc-gateway JSON conventions the HTTP layer relies on. Expected values are written from Maestro's own protos, not read back from ours.
 */
import type { JsonValue } from '@bufbuild/protobuf';
import { create, fromBinary, fromJson, toBinary, toJson } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';

import * as messages from '../../src/gen/api/v1/messages_pb';
import * as operations from '../../src/gen/api/v1/operations_pb';
import * as rooms from '../../src/gen/api/v1/rooms_pb';
import * as schedulers from '../../src/gen/api/v1/schedulers_pb';
import * as events from '../../src/gen/eventforwarder/events_pb';

const emitAll = { alwaysEmitImplicit: true } as const;

describe('grpc-gateway JSON conventions', () => {
  it('emits lowerCamelCase names', () => {
    const scheduler = create(messages.SchedulerSchema, {
      name: 'zooba-us',
      maxSurge: '10%',
      roomsReplicas: 6,
      portRange: { start: 1, end: 2 },
      matchAllocation: { maxMatches: 2 },
      spec: {
        version: 'v1.0.0',
        containers: [{ name: 'game', imagePullPolicy: 'IfNotPresent', ports: [{ hostPort: 7 }] }],
      },
    });
    const json = toJson(messages.SchedulerSchema, scheduler);
    expect(json).toEqual({
      name: 'zooba-us',
      maxSurge: '10%',
      roomsReplicas: 6,
      portRange: { start: 1, end: 2 },
      matchAllocation: { maxMatches: 2 },
      spec: {
        version: 'v1.0.0',
        containers: [{ name: 'game', imagePullPolicy: 'IfNotPresent', ports: [{ hostPort: 7 }] }],
      },
    });
    expect(
      toJson(
        schedulers.NewSchedulerVersionResponseSchema,
        create(schedulers.NewSchedulerVersionResponseSchema, { operationId: 'op-1' }),
      ),
    ).toEqual({ operationId: 'op-1' });
    expect(
      toJson(
        messages.SchedulerVersionSchema,
        create(messages.SchedulerVersionSchema, { version: 'v1', isActive: true }),
      ),
    ).toEqual({ version: 'v1', isActive: true });
  });

  it('accepts snake_case (proto names) and lowerCamelCase on input, mixed', () => {
    const request = fromJson(schedulers.CreateSchedulerRequestSchema, {
      name: 'a',
      max_surge: '10%',
      roomsReplicas: 3,
      port_range: { start: 1, end: 2 },
      match_allocation: { max_matches: 2 },
      spec: {
        termination_grace_period: '100s',
        containers: [{ image_pull_policy: 'Always', ports: [{ host_port_range: { start: 5 } }] }],
      },
    });
    expect(request.maxSurge).toBe('10%');
    expect(request.roomsReplicas).toBe(3);
    expect(request.portRange).toMatchObject({ start: 1, end: 2 });
    expect(request.matchAllocation?.maxMatches).toBe(2);
    expect(request.spec?.terminationGracePeriod?.seconds).toBe(100n);
    expect(request.spec?.containers[0]?.imagePullPolicy).toBe('Always');
    expect(request.spec?.containers[0]?.ports[0]?.hostPortRange?.start).toBe(5);
  });

  it('emits int64 as a string and accepts a number or a string', () => {
    const options = create(messages.ForwarderOptionsSchema, { timeout: 5000n });
    expect(toJson(messages.ForwarderOptionsSchema, options)).toEqual({ timeout: '5000' });
    expect(fromJson(messages.ForwarderOptionsSchema, { timeout: 5000 }).timeout).toBe(5000n);
    expect(fromJson(messages.ForwarderOptionsSchema, { timeout: '5000' }).timeout).toBe(5000n);

    // Maestro's documented ping body sends the timestamp as a string.
    const ping = fromJson(rooms.UpdateRoomWithPingRequestSchema, {
      status: 'ready',
      timestamp: '12312312313',
      running_matches: 2,
    });
    expect(ping.timestamp).toBe(12312312313n);
    expect(ping.runningMatches).toBe(2n);
    expect(toJson(rooms.UpdateRoomWithPingRequestSchema, ping)).toEqual({
      status: 'ready',
      timestamp: '12312312313',
      runningMatches: '2',
    });
  });

  it('emits zero values, empty lists and empty maps with alwaysEmitImplicit', () => {
    const ok = create(rooms.UpdateRoomWithPingResponseSchema);
    expect(toJson(rooms.UpdateRoomWithPingResponseSchema, ok)).toEqual({});
    expect(toJson(rooms.UpdateRoomWithPingResponseSchema, ok, emitAll)).toEqual({ success: false });

    const address = create(rooms.GetRoomAddressResponseSchema, { host: '10.0.0.1' });
    expect(toJson(rooms.GetRoomAddressResponseSchema, address, emitAll)).toEqual({
      ports: [],
      host: '10.0.0.1',
      ipv6Label: '',
    });

    const scheduler = create(messages.SchedulerSchema, { name: 'x' });
    expect(toJson(messages.SchedulerSchema, scheduler, emitAll)).toEqual({
      name: 'x',
      game: '',
      state: '',
      maxSurge: '',
      roomsReplicas: 0,
      forwarders: [],
      annotations: {},
      labels: {},
    });
  });

  it('omits unset proto3 optional fields and emits set ones, even when zero', () => {
    const item = create(messages.ListOperationItemSchema, { id: 'op' });
    const json = toJson(messages.ListOperationItemSchema, item, emitAll) as Record<
      string,
      JsonValue
    >;
    expect(Object.keys(json)).not.toContain('lease');
    item.lease = create(messages.LeaseSchema, { ttl: '2024-01-01T00:00:00Z' });
    expect(toJson(messages.ListOperationItemSchema, item, emitAll)).toMatchObject({
      lease: { ttl: '2024-01-01T00:00:00Z' },
    });

    const scheduler = toJson(
      messages.SchedulerSchema,
      create(messages.SchedulerSchema),
      emitAll,
    ) as Record<string, JsonValue>;
    expect(Object.keys(scheduler)).not.toContain('matchAllocation');
    expect(Object.keys(scheduler)).not.toContain('autoscaling');

    const page = create(operations.ListOperationsResponseSchema, { page: 0, total: 0 });
    expect(toJson(operations.ListOperationsResponseSchema, page, emitAll)).toEqual({
      page: 0,
      total: 0,
      operations: [],
    });

    // PATCH relies on presence: an explicit "" is a change, an absent field is not.
    const absent = fromJson(schedulers.PatchSchedulerRequestSchema, { name: 'x' });
    const empty = fromJson(schedulers.PatchSchedulerRequestSchema, { name: 'x', maxSurge: '' });
    expect(absent.maxSurge).toBeUndefined();
    expect(empty.maxSurge).toBe('');
  });

  it('omits unset non-optional message fields (grpc-gateway writes null: the HTTP layer adds it)', () => {
    const info = toJson(
      messages.SchedulerInfoSchema,
      create(messages.SchedulerInfoSchema),
      emitAll,
    ) as Record<string, JsonValue>;
    expect(Object.keys(info)).not.toContain('autoscaling');
    const scheduler = toJson(
      messages.SchedulerSchema,
      create(messages.SchedulerSchema),
      emitAll,
    ) as Record<string, JsonValue>;
    expect(Object.keys(scheduler)).not.toContain('portRange');
  });

  it('round-trips a Struct (metadata) through JSON and binary', () => {
    const metadata = {
      roomType: 'red',
      playerId: 'p1',
      count: 245,
      big: 1e6,
      ok: true,
      nothing: null,
      nested: { list: [1, 'two', false, null, { deep: 'yes' }] },
    };
    const options = fromJson(messages.ForwarderOptionsSchema, { timeout: '1000', metadata });
    expect(options.metadata).toEqual(metadata);
    expect(toJson(messages.ForwarderOptionsSchema, options)).toEqual({ timeout: '1000', metadata });

    const decoded = fromBinary(
      messages.ForwarderOptionsSchema,
      toBinary(messages.ForwarderOptionsSchema, options),
    );
    expect(decoded.metadata).toEqual(metadata);

    const ping = fromJson(rooms.UpdateRoomWithPingRequestSchema, { metadata: { a: { b: 1 } } });
    expect(ping.metadata).toEqual({ a: { b: 1 } });
  });

  it('ignores unknown input fields only with ignoreUnknownFields', () => {
    const body = { status: 'occupied', somethingNew: 1, nested_unknown: { a: 1 } };
    expect(() => fromJson(rooms.UpdateRoomWithPingRequestSchema, body)).toThrow(/somethingNew/);
    const ping = fromJson(rooms.UpdateRoomWithPingRequestSchema, body, {
      ignoreUnknownFields: true,
    });
    expect(ping.status).toBe('occupied');
  });

  it('writes Timestamps as RFC 3339 and Durations as "<seconds>s"', () => {
    const scheduler = create(messages.SchedulerSchema, {
      createdAt: timestampFromDate(new Date('2022-01-01T00:00:00Z')),
      spec: { terminationGracePeriod: { seconds: 100n } },
    });
    expect(toJson(messages.SchedulerSchema, scheduler)).toEqual({
      createdAt: '2022-01-01T00:00:00Z',
      spec: { terminationGracePeriod: '100s' },
    });
  });

  it('writes forwarder enums by name', () => {
    const status = create(events.RoomStatusSchema, {
      statusType: events.RoomStatus_RoomStatusType.terminating,
    });
    expect(toJson(events.RoomStatusSchema, status)).toEqual({ statusType: 'terminating' });
    expect(fromJson(events.PlayerEventSchema, { eventType: 'PLAYER_LEFT' }).eventType).toBe(
      events.PlayerEvent_PlayerEventType.PLAYER_LEFT,
    );
  });
});
