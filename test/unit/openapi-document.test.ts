import SwaggerParser from '@apidevtools/swagger-parser';
import type { JsonObject } from '@bufbuild/protobuf';
import type { OpenAPIV3_1 } from 'openapi-types';
import { managementOpenApiDocument } from '../../src/api/management/openapi';
import { roomsOpenApiDocument } from '../../src/api/rooms/openapi';
import { httpBindingOf } from '../../src/api/shared/http-bindings';
import { OperationsService } from '../../src/gen/api/v1/operations_pb';
import { RoomsService } from '../../src/gen/api/v1/rooms_pb';
import { SchedulersService } from '../../src/gen/api/v1/schedulers_pb';

const roomsBindings = RoomsService.methods.map(httpBindingOf);
const managementBindings = [...SchedulersService.methods, ...OperationsService.methods].map(
  httpBindingOf,
);

type Document = OpenAPIV3_1.Document;
const asDocument = (document: JsonObject) => document as unknown as Document;

/** The document after OpenAPI 3.1 schema validation (which throws naming the problem). */
async function validated(document: JsonObject): Promise<Document> {
  await SwaggerParser.validate(structuredClone(asDocument(document)));
  return asDocument(document);
}

const operationOf = (document: Document, path: string, verb: 'get' | 'put' | 'post') => {
  const operation = document.paths?.[path]?.[verb];
  if (!operation) throw new Error(`${verb} ${path} is not documented`);
  return operation;
};

const ROOMS_OFF = { isRoomTokenRequired: false, isMatchmakerCredentialRequired: false };
const ROOMS_ON = { isRoomTokenRequired: true, isMatchmakerCredentialRequired: true };
const PING = '/scheduler/{scheduler_name}/rooms/{room_name}/ping';
const ALLOCATE = '/scheduler/{scheduler_name}/rooms/allocate';

describe('OpenAPI documents', () => {
  it.each([
    [
      'Management API, security off',
      managementOpenApiDocument(managementBindings, {
        isAuthRequired: false,
        isRateLimited: false,
      }),
    ],
    [
      'Management API, security on',
      managementOpenApiDocument(managementBindings, { isAuthRequired: true, isRateLimited: true }),
    ],
    ['Rooms API, security off', roomsOpenApiDocument(roomsBindings, ROOMS_OFF)],
    ['Rooms API, security on', roomsOpenApiDocument(roomsBindings, ROOMS_ON)],
  ])('are valid OpenAPI 3.1 with every $ref resolved: %s', async (_case, document) => {
    const valid = await validated(document);

    expect(valid.openapi).toBe('3.1.0');
  });

  it('describes every Rooms API route with its path variables, JSON body fields and answer', async () => {
    const document = await validated(roomsOpenApiDocument(roomsBindings, ROOMS_OFF));
    const ping = operationOf(document, PING, 'put');
    const body = (ping.requestBody as OpenAPIV3_1.RequestBodyObject).content['application/json']!
      .schema as OpenAPIV3_1.ReferenceObject;
    const bodySchema = document.components!.schemas![body.$ref.split('/').pop()!]!;

    expect(Object.keys(document.paths!).sort()).toEqual([
      '/openapi.json',
      ALLOCATE,
      '/scheduler/{scheduler_name}/rooms/{room_name}/address',
      PING,
      '/scheduler/{scheduler_name}/rooms/{room_name}/playerevent',
      '/scheduler/{scheduler_name}/rooms/{room_name}/roomevent',
      '/scheduler/{scheduler_name}/rooms/{room_name}/status',
    ]);
    expect(ping.parameters).toEqual([
      expect.objectContaining({ name: 'scheduler_name', in: 'path', required: true }),
      expect.objectContaining({ name: 'room_name', in: 'path', required: true }),
    ]);
    expect(Object.keys(bodySchema.properties!).sort()).toEqual([
      'metadata',
      'runningMatches',
      'status',
      'timestamp',
    ]);
    expect(document.components!.schemas!['api.v1.AllocateRoomResponse']).toMatchObject({
      required: ['roomId', 'success', 'message', 'ports', 'host'],
    });
    expect(Object.keys(operationOf(document, ALLOCATE, 'post').responses).sort()).toEqual([
      '200',
      '400',
      '404',
      '429',
      '503',
      'default',
    ]);
    expect(ping.security).toBeUndefined();
    expect(document.components!.securitySchemes).toBeUndefined();
  });

  it('names the room token on room routes and the matchmaker credential on allocation when they are required', async () => {
    const document = await validated(roomsOpenApiDocument(roomsBindings, ROOMS_ON));
    const ping = operationOf(document, PING, 'put');
    const allocate = operationOf(document, ALLOCATE, 'post');

    expect(ping.security).toEqual([{ roomToken: [] }]);
    expect(ping.responses['401']).toBeDefined();
    expect(allocate.security).toEqual([{ matchmakerCredential: [] }]);
    expect(Object.keys(allocate.responses)).toEqual(expect.arrayContaining(['401', '403']));
    expect(document.components!.securitySchemes).toMatchObject({
      roomToken: { type: 'http', scheme: 'bearer' },
      matchmakerCredential: { type: 'http', scheme: 'bearer' },
    });
    expect(Object.keys(document.components!.securitySchemes!).sort()).toEqual([
      'matchmakerCredential',
      'roomToken',
    ]);
  });

  it('names the credential on every Management API route and 429 on changes when they are on', async () => {
    const document = await validated(
      managementOpenApiDocument(managementBindings, { isAuthRequired: true, isRateLimited: true }),
    );
    const operations = Object.entries(document.paths!)
      .filter(([path]) => path !== '/openapi.json')
      .flatMap(([, item]) =>
        (['get', 'post', 'put', 'patch', 'delete'] as const).flatMap((verb) =>
          item?.[verb] ? [{ verb, operation: item[verb] }] : [],
        ),
      );

    expect(operations).toHaveLength(12);
    for (const { verb, operation } of operations) {
      expect(operation.security).toEqual([{ credential: [] }]);
      expect(Object.keys(operation.responses)).toEqual(
        expect.arrayContaining(verb === 'get' ? ['401', '403'] : ['401', '403', '429']),
      );
    }
    expect(operationOf(document, '/schedulers', 'get').responses['429']).toBeUndefined();
  });

  it('describes the webhook, schedule and chain policies and scaleToZero in camelCase', async () => {
    const document = await validated(
      managementOpenApiDocument(managementBindings, {
        isAuthRequired: false,
        isRateLimited: false,
      }),
    );
    const schemas = document.components!.schemas!;
    const properties = (name: string) => Object.keys(schemas[`api.v1.${name}`]?.properties ?? {});

    expect(properties('PolicyParameters')).toEqual([
      'roomOccupancy',
      'fixedBuffer',
      'webhook',
      'schedule',
      'chain',
    ]);
    expect(properties('Autoscaling')).toContain('scaleToZero');
    expect(properties('OptionalAutoscaling')).toContain('scaleToZero');
    expect(properties('WebhookPolicy')).toEqual([
      'url',
      'timeout',
      'caBundle',
      'interval',
      'fallback',
    ]);
    expect(properties('ScheduleWindow')).toEqual([
      'start',
      'duration',
      'timeZone',
      'leadTime',
      'policy',
    ]);
    expect(properties('ChainPolicy')).toEqual(['entries', 'default']);
    expect(properties('ScaleToZero')).toEqual(['idleAfter', 'allocateWait']);
  });
});
