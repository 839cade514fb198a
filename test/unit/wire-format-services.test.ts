/**
 * The wire contract with Maestro v1 (proto/), checked against the generated schemas in src/gen/:
 * services, RPCs and their HTTP bindings. Expected values are written from Maestro's own protos, not read back from ours.
 */
import type { DescService } from '@bufbuild/protobuf';
import { getOption } from '@bufbuild/protobuf';

import * as operations from '../../src/gen/api/v1/operations_pb';
import * as rooms from '../../src/gen/api/v1/rooms_pb';
import * as schedulers from '../../src/gen/api/v1/schedulers_pb';
import * as events from '../../src/gen/eventforwarder/events_pb';
import { http } from '../../src/gen/google/api/annotations_pb';

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
