/**
 * The wire contract with Maestro v1 (proto/): field numbers, HTTP bindings and the grpc-gateway
 * JSON conventions the HTTP layer relies on, checked against the generated schemas in src/gen/.
 * Expected values are written from Maestro's own protos, not read back from ours.
 */
import type { DescField, DescMessage, DescService, JsonValue } from '@bufbuild/protobuf';
import {
  ScalarType,
  create,
  fromBinary,
  fromJson,
  getOption,
  toBinary,
  toJson,
} from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';

import * as messages from '../../src/gen/api/v1/messages_pb';
import * as operations from '../../src/gen/api/v1/operations_pb';
import * as rooms from '../../src/gen/api/v1/rooms_pb';
import * as schedulers from '../../src/gen/api/v1/schedulers_pb';
import * as events from '../../src/gen/eventforwarder/events_pb';
import { http } from '../../src/gen/google/api/annotations_pb';

const emitAll = { alwaysEmitImplicit: true } as const;

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

// --- descriptor signatures ---------------------------------------------------------------------

function scalarName(type: ScalarType): string {
  return ScalarType[type].toLowerCase();
}

function typeOf(field: DescField): string {
  if (field.fieldKind === 'scalar') return scalarName(field.scalar);
  if (field.fieldKind === 'enum') return field.enum.name;
  if (field.fieldKind === 'message') return field.message.name;
  if (field.fieldKind === 'list') {
    if (field.listKind === 'scalar') return `[]${scalarName(field.scalar)}`;
    return `[]${field.listKind === 'enum' ? field.enum.name : field.message.name}`;
  }
  const value =
    field.mapKind === 'scalar'
      ? scalarName(field.scalar)
      : field.mapKind === 'enum'
        ? field.enum.name
        : field.message.name;
  return `map<${scalarName(field.mapKey)},${value}>`;
}

/** `name=number:type`, with `?` for proto3 `optional`, in field-number order. */
function signature(desc: DescMessage): string {
  return [...desc.fields]
    .sort((a, b) => a.number - b.number)
    .map((f) => `${f.name}=${f.number}:${typeOf(f)}${f.proto.proto3Optional ? '?' : ''}`)
    .join(' ');
}

describe('message layouts match Maestro v1 (names, numbers, types, optional labels)', () => {
  const expected: [DescMessage, string][] = [
    // messages.proto
    [
      messages.ContainerSchema,
      'name=1:string image=2:string image_pull_policy=3:string command=4:[]string ' +
        'environment=5:[]ContainerEnvironment requests=6:ContainerResources ' +
        'limits=7:ContainerResources ports=8:[]ContainerPort',
    ],
    [
      messages.OptionalContainerSchema,
      'name=1:string? image=2:string? image_pull_policy=3:string? command=4:[]string ' +
        'environment=5:[]ContainerEnvironment requests=6:ContainerResources? ' +
        'limits=7:ContainerResources? ports=8:[]ContainerPort',
    ],
    [
      messages.ContainerEnvironmentSchema,
      'name=1:string value=2:string? value_from=3:ContainerEnvironmentValueFrom?',
    ],
    [
      messages.ContainerEnvironmentValueFromSchema,
      'field_ref=1:ContainerEnvironmentValueFromFieldRef? ' +
        'secret_key_ref=2:ContainerEnvironmentValueFromSecretKeyRef?',
    ],
    [messages.ContainerEnvironmentValueFromFieldRefSchema, 'field_path=1:string'],
    [messages.ContainerEnvironmentValueFromSecretKeyRefSchema, 'name=1:string key=2:string'],
    [messages.ContainerResourcesSchema, 'memory=1:string cpu=2:string'],
    [
      messages.ContainerPortSchema,
      'name=1:string protocol=2:string port=3:int32 host_port=4:int32 host_port_range=5:PortRange?',
    ],
    [messages.PortRangeSchema, 'start=1:int32 end=2:int32'],
    [messages.MatchAllocationSchema, 'max_matches=1:int32'],
    [
      messages.SpecSchema,
      'version=1:string termination_grace_period=2:Duration containers=3:[]Container ' +
        'toleration=4:string affinity=5:string restart_policy=6:string?',
    ],
    [
      messages.OptionalSpecSchema,
      'termination_grace_period=2:Duration? containers=3:[]OptionalContainer ' +
        'toleration=4:string? affinity=5:string?',
    ],
    [
      messages.SchedulerSchema,
      'name=1:string game=2:string state=3:string port_range=4:PortRange created_at=5:Timestamp ' +
        'max_surge=6:string rooms_replicas=7:int32 spec=8:Spec autoscaling=9:Autoscaling? ' +
        'forwarders=10:[]Forwarder annotations=11:map<string,string> ' +
        'labels=12:map<string,string> match_allocation=13:MatchAllocation?',
    ],
    [
      messages.SchedulerWithoutSpecSchema,
      'name=1:string game=2:string state=3:string version=4:string port_range=5:PortRange ' +
        'created_at=6:Timestamp max_surge=7:string rooms_replicas=8:int32 ' +
        'match_allocation=9:MatchAllocation?',
    ],
    [
      messages.ListOperationItemSchema,
      'id=1:string status=2:string definition_name=3:string lease=4:Lease? ' +
        'scheduler_name=5:string created_at=6:Timestamp',
    ],
    [
      messages.OperationSchema,
      'id=1:string status=2:string definition_name=3:string lease=4:Lease? ' +
        'scheduler_name=5:string created_at=6:Timestamp input=7:Struct ' +
        'execution_history=8:[]OperationEvent',
    ],
    [
      messages.OptionalAutoscalingSchema,
      'enabled=1:bool? min=2:int32? max=3:int32? policy=4:AutoscalingPolicy? cooldown=5:int32?',
    ],
    [
      messages.AutoscalingSchema,
      'enabled=1:bool min=2:int32 max=3:int32 policy=4:AutoscalingPolicy cooldown=5:int32',
    ],
    [messages.AutoscalingPolicySchema, 'type=1:string parameters=2:PolicyParameters'],
    [
      messages.PolicyParametersSchema,
      'room_occupancy=1:RoomOccupancy? fixed_buffer=2:FixedBuffer?',
    ],
    [messages.FixedBufferSchema, 'amount=1:int32?'],
    [messages.RoomOccupancySchema, 'ready_target=1:float down_threshold=2:float?'],
    [messages.LeaseSchema, 'ttl=1:string'],
    [messages.OperationEventSchema, 'created_at=1:Timestamp event=2:string'],
    [messages.SchedulerVersionSchema, 'version=1:string is_active=2:bool created_at=3:Timestamp'],
    [
      messages.ForwarderSchema,
      'name=1:string enable=2:bool type=3:string address=4:string options=5:ForwarderOptions?',
    ],
    [messages.ForwarderOptionsSchema, 'timeout=1:int64 metadata=2:Struct'],
    [messages.AutoscalingInfoSchema, 'enabled=1:bool min=2:int32 max=3:int32 cooldown=5:int32'],
    [
      messages.SchedulerInfoSchema,
      'name=1:string game=2:string state=3:string rooms_replicas=4:int32 rooms_ready=5:int32 ' +
        'rooms_occupied=6:int32 rooms_pending=7:int32 rooms_terminating=8:int32 ' +
        'autoscaling=9:AutoscalingInfo match_allocation=10:MatchAllocation?',
    ],
    // schedulers.proto
    [schedulers.ListSchedulersRequestSchema, 'name=1:string game=2:string version=3:string'],
    [schedulers.ListSchedulersResponseSchema, 'schedulers=1:[]SchedulerWithoutSpec'],
    [schedulers.CreateSchedulerResponseSchema, 'scheduler=1:Scheduler'],
    [
      schedulers.CreateSchedulerRequestSchema,
      'name=1:string game=2:string spec=3:Spec port_range=4:PortRange? max_surge=5:string ' +
        'rooms_replicas=6:int32 autoscaling=7:Autoscaling? forwarders=8:[]Forwarder ' +
        'annotations=9:map<string,string> labels=10:map<string,string> ' +
        'match_allocation=11:MatchAllocation?',
    ],
    [schedulers.GetSchedulerRequestSchema, 'scheduler_name=1:string version=2:string'],
    [schedulers.GetSchedulerResponseSchema, 'scheduler=1:Scheduler'],
    [
      schedulers.NewSchedulerVersionRequestSchema,
      'name=1:string game=2:string spec=3:Spec port_range=4:PortRange max_surge=5:string ' +
        'rooms_replicas=6:int32 autoscaling=7:Autoscaling? forwarders=8:[]Forwarder ' +
        'annotations=9:map<string,string> labels=10:map<string,string> ' +
        'match_allocation=11:MatchAllocation?',
    ],
    [schedulers.NewSchedulerVersionResponseSchema, 'operation_id=1:string'],
    [
      schedulers.PatchSchedulerRequestSchema,
      'name=1:string spec=2:OptionalSpec? port_range=3:PortRange? max_surge=4:string? ' +
        'rooms_replicas=5:int32? autoscaling=6:OptionalAutoscaling? forwarders=7:[]Forwarder ' +
        'annotations=8:map<string,string> labels=9:map<string,string> ' +
        'match_allocation=10:MatchAllocation?',
    ],
    [schedulers.PatchSchedulerResponseSchema, 'operation_id=1:string'],
    [schedulers.GetSchedulerVersionsRequestSchema, 'scheduler_name=1:string'],
    [schedulers.GetSchedulerVersionsResponseSchema, 'versions=1:[]SchedulerVersion'],
    [schedulers.SwitchActiveVersionRequestSchema, 'scheduler_name=1:string version=2:string'],
    [schedulers.SwitchActiveVersionResponseSchema, 'operation_id=1:string'],
    [schedulers.GetSchedulersInfoRequestSchema, 'game=1:string'],
    [schedulers.GetSchedulersInfoResponseSchema, 'schedulers=1:[]SchedulerInfo'],
    [schedulers.DeleteSchedulerRequestSchema, 'scheduler_name=1:string'],
    [schedulers.DeleteSchedulerResponseSchema, 'operation_id=1:string'],
    // operations.proto
    [
      operations.ListOperationsRequestSchema,
      'scheduler_name=1:string order_by=2:string stage=3:string? page=4:uint32? per_page=5:uint32?',
    ],
    [
      operations.ListOperationsResponseSchema,
      'page=1:uint32? page_size=2:uint32? total=3:uint32? operations=4:[]ListOperationItem',
    ],
    [operations.CancelOperationRequestSchema, 'scheduler_name=1:string operation_id=2:string'],
    [operations.CancelOperationResponseSchema, ''],
    [operations.GetOperationRequestSchema, 'scheduler_name=1:string operation_id=2:string'],
    [operations.GetOperationResponseSchema, 'operation=1:Operation'],
    // rooms.proto
    [rooms.GetRoomAddressRequestSchema, 'scheduler_name=1:string room_name=2:string'],
    [rooms.GetRoomAddressResponseSchema, 'ports=1:[]Port host=2:string ipv6_label=3:string'],
    [rooms.PortSchema, 'name=1:string protocol=2:string port=3:int32'],
    [
      rooms.UpdateRoomStatusRequestSchema,
      'scheduler_name=1:string room_name=2:string metadata=3:Struct status=4:string ' +
        'timestamp=6:int64 running_matches=7:int64',
    ],
    [rooms.UpdateRoomStatusResponseSchema, 'success=1:bool'],
    [
      rooms.ForwardPlayerEventRequestSchema,
      'scheduler_name=1:string room_name=2:string metadata=3:Struct event=4:string timestamp=6:int64',
    ],
    [rooms.ForwardPlayerEventResponseSchema, 'success=1:bool message=2:string'],
    [
      rooms.ForwardRoomEventRequestSchema,
      'scheduler_name=1:string room_name=2:string metadata=3:Struct event=4:string timestamp=6:int64',
    ],
    [rooms.ForwardRoomEventResponseSchema, 'success=1:bool message=2:string'],
    [
      rooms.UpdateRoomWithPingRequestSchema,
      'scheduler_name=1:string room_name=2:string metadata=3:Struct status=4:string ' +
        'timestamp=5:int64 running_matches=6:int64',
    ],
    [rooms.UpdateRoomWithPingResponseSchema, 'success=1:bool'],
    [rooms.AllocateRoomRequestSchema, 'scheduler_name=1:string'],
    [
      rooms.AllocateRoomResponseSchema,
      'room_id=1:string success=2:bool message=3:string ports=4:[]Port host=5:string',
    ],
    // eventforwarder/events.proto
    [events.RoomEventSchema, 'room=1:Room eventType=2:string metadata=3:map<string,string>'],
    [events.RoomStatusSchema, 'room=1:Room statusType=2:RoomStatusType'],
    [
      events.RoomSchema,
      'game=1:string roomId=2:string host=4:string port=5:int32 ' +
        'metadata=6:map<string,string> roomType=7:string',
    ],
    [
      events.PlayerEventSchema,
      'playerId=1:string room=2:Room eventType=3:PlayerEventType metadata=4:map<string,string>',
    ],
    [
      events.RoomInfoSchema,
      'roomType=1:string game=2:string numberOfTeams=3:int32 playersPerTeam=4:int32 ' +
        'minimumNumberOfPlayers=5:int32 matchmakingScript=6:string webhookUrl=7:string ' +
        'metadata=8:map<string,string> tags=9:map<string,string>',
    ],
    [events.ResponseSchema, 'code=1:int32 message=2:string'],
  ];

  it.each(expected.map(([desc, sig]) => [desc.typeName, desc, sig] as const))(
    '%s',
    (_name, desc, sig) => {
      expect(signature(desc)).toBe(sig);
    },
  );

  it('covers every generated message of the contract', () => {
    const covered = new Set(expected.map(([desc]) => desc.typeName));
    const generated = [messages, schedulers, operations, rooms, events]
      .flatMap((file): unknown[] => Object.values(file))
      .filter(
        (v: unknown): v is DescMessage =>
          typeof v === 'object' && v !== null && (v as { kind?: unknown }).kind === 'message',
      )
      .map((desc) => desc.typeName);
    expect(generated.filter((name) => !covered.has(name))).toEqual([]);
  });

  it('keeps the forwarder enums, lowercase names included', () => {
    const values = (e: { values: readonly { name: string; number: number }[] }) =>
      e.values.map((v) => `${v.name}=${v.number}`);
    expect(values(events.RoomStatus_RoomStatusTypeSchema)).toEqual([
      'ready=0',
      'occupied=1',
      'terminating=2',
      'terminated=3',
    ]);
    expect(values(events.PlayerEvent_PlayerEventTypeSchema)).toEqual([
      'PLAYER_JOINED=0',
      'PLAYER_LEFT=1',
    ]);
    expect(events.RoomStatus_RoomStatusTypeSchema.typeName).toBe(
      'eventforwarder.RoomStatus.RoomStatusType',
    );
  });
});

describe('services, RPCs and HTTP bindings match Maestro v1', () => {
  function routes(service: DescService): string[] {
    return service.methods.map((m) => {
      const rule = getOption(m, http);
      const body = rule.body ? ` body=${rule.body}` : '';
      const pattern = rule.pattern.case === 'custom' ? undefined : rule.pattern;
      return `${m.name} ${m.input.name}->${m.output.name} ${pattern?.case ?? '?'} ${pattern?.value ?? '?'}${body}`;
    });
  }

  it('SchedulersService (declaration order kept: GetSchedulersInfo after GetScheduler)', () => {
    expect(schedulers.SchedulersService.typeName).toBe('api.v1.SchedulersService');
    expect(routes(schedulers.SchedulersService)).toEqual([
      'ListSchedulers ListSchedulersRequest->ListSchedulersResponse get /schedulers',
      'GetScheduler GetSchedulerRequest->GetSchedulerResponse get /schedulers/{scheduler_name=*}',
      'CreateScheduler CreateSchedulerRequest->CreateSchedulerResponse post /schedulers body=*',
      'NewSchedulerVersion NewSchedulerVersionRequest->NewSchedulerVersionResponse post /schedulers/{name=*} body=*',
      'PatchScheduler PatchSchedulerRequest->PatchSchedulerResponse patch /schedulers/{name=*} body=*',
      'GetSchedulerVersions GetSchedulerVersionsRequest->GetSchedulerVersionsResponse get /schedulers/{scheduler_name=*}/versions',
      'SwitchActiveVersion SwitchActiveVersionRequest->SwitchActiveVersionResponse put /schedulers/{scheduler_name=*} body=*',
      'GetSchedulersInfo GetSchedulersInfoRequest->GetSchedulersInfoResponse get /schedulers/info',
      'DeleteScheduler DeleteSchedulerRequest->DeleteSchedulerResponse delete /schedulers/{scheduler_name=*}',
    ]);
  });

  it('OperationsService', () => {
    expect(operations.OperationsService.typeName).toBe('api.v1.OperationsService');
    expect(routes(operations.OperationsService)).toEqual([
      'ListOperations ListOperationsRequest->ListOperationsResponse get /schedulers/{scheduler_name=*}/operations',
      'CancelOperation CancelOperationRequest->CancelOperationResponse post /schedulers/{scheduler_name=*}/operations/{operation_id=*}/cancel',
      'GetOperation GetOperationRequest->GetOperationResponse get /schedulers/{scheduler_name=*}/operations/{operation_id=*}',
    ]);
  });

  it('RoomsService', () => {
    expect(rooms.RoomsService.typeName).toBe('api.v1.RoomsService');
    expect(routes(rooms.RoomsService)).toEqual([
      'UpdateRoomWithPing UpdateRoomWithPingRequest->UpdateRoomWithPingResponse put /scheduler/{scheduler_name=*}/rooms/{room_name=*}/ping body=*',
      'ForwardRoomEvent ForwardRoomEventRequest->ForwardRoomEventResponse post /scheduler/{scheduler_name=*}/rooms/{room_name=*}/roomevent body=*',
      'ForwardPlayerEvent ForwardPlayerEventRequest->ForwardPlayerEventResponse post /scheduler/{scheduler_name=*}/rooms/{room_name=*}/playerevent body=*',
      'UpdateRoomStatus UpdateRoomStatusRequest->UpdateRoomStatusResponse put /scheduler/{scheduler_name=*}/rooms/{room_name=*}/status body=*',
      'GetRoomAddress GetRoomAddressRequest->GetRoomAddressResponse get /scheduler/{scheduler_name=*}/rooms/{room_name=*}/address',
      'AllocateRoom AllocateRoomRequest->AllocateRoomResponse post /scheduler/{scheduler_name=*}/rooms/allocate body=*',
    ]);
  });

  it('GRPCForwarder (the gRPC paths a game backend implements)', () => {
    expect(
      events.GRPCForwarder.methods.map(
        (m) => `/${events.GRPCForwarder.typeName}/${m.name}(${m.input.name})->${m.output.name}`,
      ),
    ).toEqual([
      '/eventforwarder.GRPCForwarder/SendRoomInfo(RoomInfo)->Response',
      '/eventforwarder.GRPCForwarder/SendRoomStatus(RoomStatus)->Response',
      '/eventforwarder.GRPCForwarder/SendRoomPing(Room)->Response',
      '/eventforwarder.GRPCForwarder/SendRoomResync(RoomStatus)->Response',
      '/eventforwarder.GRPCForwarder/SendRoomEvent(RoomEvent)->Response',
      '/eventforwarder.GRPCForwarder/SendPlayerEvent(PlayerEvent)->Response',
    ]);
  });
});

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
