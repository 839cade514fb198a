import { create, getOption, type DescFile } from '@bufbuild/protobuf';
import { http } from '../../src/gen/google/api/annotations_pb';
import { ReflectionIndex } from '../../src/api/shared/reflection-index';
import { OperationsService } from '../../src/gen/api/v1/operations_pb';
import { RoomsService } from '../../src/gen/api/v1/rooms_pb';
import { SchedulersService } from '../../src/gen/api/v1/schedulers_pb';
import {
  ServerReflectionRequestSchema,
  ServerReflectionResponseSchema,
} from '../../src/gen/grpc/reflection/v1/reflection_pb';
import {
  filesOf,
  registryOf,
  servicesOf,
  type ReflectionRequest,
} from '../support/reflection-client';

const index = new ReflectionIndex([SchedulersService, OperationsService]);

const ask = (request: ReflectionRequest, sent = new Set<DescFile>()) =>
  create(ServerReflectionResponseSchema, {
    messageResponse: index.answer(create(ServerReflectionRequestSchema, request), sent),
  });

const fileNames = (request: ReflectionRequest, sent?: Set<DescFile>) =>
  filesOf(ask(request, sent)).map((file) => file.name);

const errorOf = (request: ReflectionRequest) => {
  const answer = ask(request).messageResponse;
  return answer.case === 'errorResponse' ? answer.value : undefined;
};

describe('ReflectionIndex', () => {
  it('lists exactly the services it was built for', () => {
    expect(
      servicesOf(ask({ messageRequest: { case: 'listServices', value: '*' } })).sort(),
    ).toEqual(['api.v1.OperationsService', 'api.v1.SchedulersService']);
  });

  it('answers a method symbol with its file and every transitive import, enough to resolve it alone', () => {
    const response = ask({
      messageRequest: {
        case: 'fileContainingSymbol',
        value: 'api.v1.SchedulersService.GetScheduler',
      },
    });

    expect(filesOf(response)[0]?.name).toBe('api/v1/schedulers.proto');
    const registry = registryOf([response]);
    const method = registry.getService('api.v1.SchedulersService')?.method['getScheduler'];
    expect(method?.output.typeName).toBe('api.v1.GetSchedulerResponse');
    expect(getOption(method!, http)).toEqual(
      getOption(SchedulersService.method.getScheduler, http),
    );
    expect(getOption(method!, http).pattern.case).toBe('get');
    expect(registry.getFile('google/protobuf/descriptor.proto')).toBeDefined();
  });

  it('finds the file of types, nested types, fields and enum values', () => {
    const symbol = (value: string) =>
      fileNames({ messageRequest: { case: 'fileContainingSymbol', value } })[0];

    expect(symbol('api.v1.Scheduler')).toBe('api/v1/messages.proto');
    expect(symbol('api.v1.Scheduler.port_range')).toBe('api/v1/messages.proto');
    expect(symbol('google.protobuf.Timestamp')).toBe('google/protobuf/timestamp.proto');
    expect(symbol('google.protobuf.FieldDescriptorProto.Type')).toBe(
      'google/protobuf/descriptor.proto',
    );
    expect(symbol('google.protobuf.FieldDescriptorProto.TYPE_STRING')).toBe(
      'google/protobuf/descriptor.proto',
    );
  });

  it('sends each import once per stream, the requested file always', () => {
    const sent = new Set<DescFile>();
    const byName = (value: string) =>
      fileNames({ messageRequest: { case: 'fileByFilename', value } }, sent);

    const first = byName('api/v1/operations.proto');
    const again = byName('api/v1/operations.proto');
    const other = byName('api/v1/schedulers.proto');

    expect(first).toEqual(
      expect.arrayContaining(['api/v1/messages.proto', 'google/api/http.proto']),
    );
    expect(again).toEqual(['api/v1/operations.proto']);
    expect(other).toEqual(['api/v1/schedulers.proto']);
  });

  it('answers extension requests for the google.api.http option', () => {
    const extension = fileNames({
      messageRequest: {
        case: 'fileContainingExtension',
        value: { containingType: 'google.protobuf.MethodOptions', extensionNumber: 72295728 },
      },
    });
    const numbers = ask({
      messageRequest: { case: 'allExtensionNumbersOfType', value: 'google.protobuf.MethodOptions' },
    }).messageResponse;

    expect(extension[0]).toBe('google/api/annotations.proto');
    expect(numbers.case).toBe('allExtensionNumbersResponse');
    expect(numbers.value).toMatchObject({
      baseTypeName: 'google.protobuf.MethodOptions',
      extensionNumber: [72295728],
    });
  });

  it('answers NOT_FOUND for what the servers do not serve, INVALID_ARGUMENT for an empty request', () => {
    expect(
      errorOf({ messageRequest: { case: 'fileContainingSymbol', value: 'api.v1.RoomsService' } }),
    ).toEqual(
      expect.objectContaining({
        errorCode: 5,
        errorMessage: 'symbol api.v1.RoomsService not found',
      }),
    );
    expect(
      errorOf({ messageRequest: { case: 'fileByFilename', value: 'api/v1/rooms.proto' } }),
    ).toEqual(expect.objectContaining({ errorCode: 5 }));
    expect(
      errorOf({
        messageRequest: {
          case: 'fileContainingExtension',
          value: { containingType: 'google.protobuf.MethodOptions', extensionNumber: 1 },
        },
      }),
    ).toEqual(expect.objectContaining({ errorCode: 5 }));
    expect(
      errorOf({ messageRequest: { case: 'allExtensionNumbersOfType', value: 'no.Such' } }),
    ).toEqual(expect.objectContaining({ errorCode: 5 }));
    expect(errorOf({})).toEqual(expect.objectContaining({ errorCode: 3 }));
  });

  it('describes the Rooms API without the Management API', () => {
    const rooms = new ReflectionIndex([RoomsService]);
    const answer = rooms.answer(
      create(ServerReflectionRequestSchema, {
        messageRequest: { case: 'fileContainingSymbol', value: 'api.v1.SchedulersService' },
      }),
      new Set(),
    );

    expect(answer.case).toBe('errorResponse');
  });
});
