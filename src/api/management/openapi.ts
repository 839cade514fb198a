/**
 * The Management API's OpenAPI 3.1 document, generated from what the server is built from: the
 * RPCs' `google.api.http` bindings (paths, methods, path and query parameters, body), their
 * message descriptors (schemas in grpc-gateway's JSON) and the one error table (statuses).
 */
import type { JsonObject } from '@bufbuild/protobuf';
import { ErrorCode } from '../../domain/errors';
import { ERROR_STATUSES } from '../shared/error-mapping';
import type { HttpBinding } from '../shared/http-bindings';
import { reachableMessages, schemaRef, SchemaRegistry } from '../shared/openapi-schemas';

export const OPENAPI_PATH = '/openapi.json';

const ERROR_SCHEMA = 'google.rpc.Status';

/** The failures each RPC's use case can report, besides a malformed request and 500. */
const FAILURES: Readonly<Record<string, readonly ErrorCode[]>> = {
  GetScheduler: [ErrorCode.NOT_FOUND],
  CreateScheduler: [ErrorCode.ALREADY_EXISTS],
  NewSchedulerVersion: [ErrorCode.FAILED_PRECONDITION, ErrorCode.NOT_FOUND],
  PatchScheduler: [ErrorCode.FAILED_PRECONDITION, ErrorCode.NOT_FOUND, ErrorCode.CONFLICT],
  GetSchedulerVersions: [ErrorCode.NOT_FOUND],
  SwitchActiveVersion: [ErrorCode.FAILED_PRECONDITION, ErrorCode.NOT_FOUND],
  DeleteScheduler: [ErrorCode.NOT_FOUND],
  CancelOperation: [ErrorCode.NOT_FOUND, ErrorCode.CONFLICT, ErrorCode.UNAVAILABLE],
  GetOperation: [ErrorCode.NOT_FOUND],
  ListRooms: [ErrorCode.NOT_FOUND],
};

const json = (schema: JsonObject) => ({ 'application/json': { schema } });
const errorResponse = (description: string) => ({
  description,
  content: json(schemaRef(ERROR_SCHEMA)),
});

function errorResponses(binding: HttpBinding): JsonObject {
  const codes = [...(FAILURES[binding.method.name] ?? [])];
  if (binding.hasBody || binding.queryFields.length > 0) codes.unshift(ErrorCode.INVALID_ARGUMENT);
  const responses: Record<string, string[]> = {};
  for (const code of codes) {
    const status = String(ERROR_STATUSES[code].httpStatus);
    (responses[status] ??= []).push(`${code} (gRPC ${ERROR_STATUSES[code].grpcStatus})`);
  }
  return Object.fromEntries(
    Object.entries(responses).map(([status, names]) => [status, errorResponse(names.join(', '))]),
  );
}

function parameters(binding: HttpBinding, schemas: SchemaRegistry): JsonObject[] {
  const path = binding.pathFields.map((field) => ({
    name: field.name,
    in: 'path',
    required: true,
    schema: { type: 'string' },
  }));
  const query = binding.queryFields
    .filter((field) => field.fieldKind === 'scalar' || field.fieldKind === 'list')
    .map((field) => ({
      name: field.jsonName,
      in: 'query',
      required: false,
      ...(field.name !== field.jsonName && { description: `also accepted as ${field.name}` }),
      schema: schemas.fieldSchema(field),
    }));
  return [...path, ...query];
}

function requestBody(binding: HttpBinding, schemas: SchemaRegistry): JsonObject | undefined {
  if (!binding.hasBody) return undefined;
  const input = binding.method.input;
  if (binding.pathFields.length === 0) return { content: json(schemas.ref(input)) };
  const name = `${binding.method.parent.name}.${binding.method.name}Body`;
  schemas.schemas[name] = schemas.objectSchema(input, binding.pathFields);
  return { content: json(schemaRef(name)) };
}

function operation(binding: HttpBinding, schemas: SchemaRegistry): JsonObject {
  const { method } = binding;
  const body = requestBody(binding, schemas);
  return {
    operationId: `${method.parent.name}_${method.name}`,
    tags: [method.parent.name],
    summary: `${method.parent.typeName}/${method.name}`,
    parameters: parameters(binding, schemas),
    ...(body && { requestBody: body }),
    responses: {
      '200': { description: 'OK', content: json(schemas.ref(method.output)) },
      ...errorResponses(binding),
      default: errorResponse('unexpected error: 500, gRPC UNKNOWN (2)'),
    },
  };
}

/** The document served at `GET /openapi.json`. */
export function buildOpenApiDocument(bindings: readonly HttpBinding[]): JsonObject {
  const inputs = reachableMessages(bindings.map((binding) => binding.method.input));
  const outputs = reachableMessages(bindings.map((binding) => binding.method.output));
  const schemas = new SchemaRegistry(new Set([...outputs].filter((m) => !inputs.has(m))));
  const paths: Record<string, Record<string, JsonObject>> = {};
  for (const binding of bindings) {
    (paths[binding.template] ??= {})[binding.verb.toLowerCase()] = operation(binding, schemas);
  }
  paths[OPENAPI_PATH] = {
    get: {
      operationId: 'OpenApi',
      summary: 'This document',
      responses: { '200': { description: 'OK', content: json({ type: 'object' }) } },
    },
  };
  schemas.schemas[ERROR_SCHEMA] = {
    type: 'object',
    required: ['code', 'message', 'details'],
    properties: {
      code: { type: 'integer', format: 'int32', description: 'gRPC status code' },
      message: { type: 'string' },
      details: { type: 'array', items: { type: 'object' } },
    },
  };
  return {
    openapi: '3.1.0',
    info: {
      title: 'Maestro Management API',
      version: 'v1',
      description:
        "Maestro v1's schedulers and operations services (api.v1) in grpc-gateway's JSON. Unknown paths answer 404, known paths with another method 501; every error body is google.rpc.Status.",
    },
    paths,
    components: { schemas: schemas.schemas },
  };
}
