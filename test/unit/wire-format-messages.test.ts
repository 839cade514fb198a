/**
 * The wire contract with Maestro v1 (proto/), checked against the generated schemas in src/gen/:
 * message layouts (names, numbers, types, optional labels). Expected values are written from Maestro's own protos, not read back from ours.
 */
import type { DescField, DescMessage } from '@bufbuild/protobuf';
import { ScalarType } from '@bufbuild/protobuf';

import * as messages from '../../src/gen/api/v1/messages_pb';
import * as operations from '../../src/gen/api/v1/operations_pb';
import * as rooms from '../../src/gen/api/v1/rooms_pb';
import * as schedulers from '../../src/gen/api/v1/schedulers_pb';
import * as events from '../../src/gen/eventforwarder/events_pb';

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
function signature(desc: DescMessage, fields: readonly DescField[] = desc.fields): string {
  return [...fields]
    .sort((a, b) => a.number - b.number)
    .map((f) => `${f.name}=${f.number}:${typeOf(f)}${f.proto.proto3Optional ? '?' : ''}`)
    .join(' ');
}

/**
 * maestro-temporal's additions, pinned as exactly as Maestro's layouts: fields a Maestro client
 * skips (proto3 `optional`, numbered after Maestro's own), by message, and messages of its own.
 */
const ADDED_FIELDS: Record<string, string> = {
  'api.v1.AllocateRoomRequest': 'wait=2:string?',
  'api.v1.ListOperationItem': 'actor=7:OperationActor?',
  'api.v1.Operation': 'actor=9:OperationActor? canceled_by=10:OperationActor?',
  'api.v1.Autoscaling': 'scale_to_zero=6:ScaleToZero?',
  'api.v1.OptionalAutoscaling': 'scale_to_zero=6:ScaleToZero?',
  'api.v1.PolicyParameters':
    'webhook=3:WebhookPolicy? schedule=4:SchedulePolicy? chain=5:ChainPolicy?',
};
const ADDED_MESSAGES: [DescMessage, string][] = [
  [messages.OperationActorSchema, 'subject=1:string credential_id=2:string kind=3:string'],
  [
    messages.WebhookPolicySchema,
    'url=1:string timeout=2:string? ca_bundle=3:string? interval=4:string? ' +
      'fallback=5:WebhookFallback?',
  ],
  [messages.WebhookFallbackSchema, 'type=1:string policy=2:AutoscalingPolicy?'],
  [messages.SchedulePolicySchema, 'windows=1:[]ScheduleWindow default=2:AutoscalingPolicy'],
  [
    messages.ScheduleWindowSchema,
    'start=1:string duration=2:string time_zone=3:string lead_time=4:string? ' +
      'policy=5:AutoscalingPolicy',
  ],
  [messages.ChainPolicySchema, 'entries=1:[]ChainEntry default=2:AutoscalingPolicy'],
  [messages.ChainEntrySchema, 'window=1:PolicyWindow? policy=2:AutoscalingPolicy'],
  [
    messages.PolicyWindowSchema,
    'start=1:string duration=2:string time_zone=3:string lead_time=4:string?',
  ],
  [messages.ScaleToZeroSchema, 'idle_after=1:string? allocate_wait=2:string?'],
];

const addedNames = (desc: DescMessage) =>
  (ADDED_FIELDS[desc.typeName] ?? '').split(' ').map((field) => field.split('=')[0]);
const isAdded = (desc: DescMessage, field: DescField) => addedNames(desc).includes(field.name);

/**
 * Maestro's scalar fields given explicit presence (proto3 `optional`): the same bytes on the wire,
 * but an absent value is told from 0. `Autoscaling.min`: 0 is scale to zero, absent is "required".
 */
const EXPLICIT_PRESENCE: Record<string, string> = { 'api.v1.Autoscaling': 'min' };

/** The message as Maestro v1 defines it: without maestro-temporal's added fields. */
const maestroSignature = (desc: DescMessage) =>
  signature(
    desc,
    desc.fields.filter((field) => !isAdded(desc, field)),
  ).replace(new RegExp(`\\b(${EXPLICIT_PRESENCE[desc.typeName] ?? '$^'}=\\d+:\\w+)\\?`), '$1');

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
      expect(maestroSignature(desc)).toBe(sig);
    },
  );

  it('gives explicit presence only to the fields it lists, keeping their number and type', () => {
    const autoscalingMin = messages.AutoscalingSchema.fields.find((field) => field.name === 'min');

    expect(autoscalingMin?.proto.proto3Optional).toBe(true);
    expect(signature(messages.AutoscalingSchema)).toMatch(
      /^enabled=1:bool min=2:int32\? max=3:int32 /,
    );
  });

  it.each(expected.filter(([desc]) => ADDED_FIELDS[desc.typeName] !== undefined))(
    'adds to %s only optional fields numbered after Maestro’s',
    (desc) => {
      const added = desc.fields.filter((field) => isAdded(desc, field));
      const maestroMax = Math.max(
        ...desc.fields.filter((field) => !isAdded(desc, field)).map((field) => field.number),
      );
      expect(signature(desc, added)).toBe(ADDED_FIELDS[desc.typeName]);
      expect(added.every((field) => field.proto.proto3Optional && field.number > maestroMax)).toBe(
        true,
      );
    },
  );

  it.each(ADDED_MESSAGES.map(([desc, sig]) => [desc.typeName, desc, sig] as const))(
    'keeps the added message %s',
    (_name, desc, sig) => {
      expect(signature(desc)).toBe(sig);
    },
  );

  it('covers every generated message of the contract', () => {
    const covered = new Set([...expected, ...ADDED_MESSAGES].map(([desc]) => desc.typeName));
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
