/**
 * An API's OpenAPI 3.1 document, generated from what its server is built from: the RPCs'
 * `google.api.http` bindings (paths, methods, path and query parameters, body), their message
 * descriptors (schemas in grpc-gateway's JSON), the one error table (statuses) and the
 * credentials the server demands. The Management API and the Rooms API describe themselves with
 * it (management/openapi.ts, rooms/openapi.ts).
 */
import type { DescMethod, JsonObject } from '@bufbuild/protobuf';
import { ErrorCode } from '../../domain/errors';
import { ERROR_STATUSES } from './error-mapping';
import type { HttpBinding } from './http-bindings';
import { reachableMessages, schemaRef, SchemaRegistry } from './openapi-schemas';

export const OPENAPI_PATH = '/openapi.json';

const ERROR_SCHEMA = 'google.rpc.Status';

/** A credential a route demands, sent as `authorization: Bearer <credential>`. */
export interface OpenApiCredential {
  /** Its security scheme's name in the document (`credential`, `roomToken`). */
  scheme: string;
  description: string;
  /** What a call may get from checking it (UNAUTHENTICATED, PERMISSION_DENIED…). */
  failures: readonly ErrorCode[];
}

/** What one API says about itself besides its routes. */
export interface OpenApiDescription {
  title: string;
  description: string;
  /** The failures a route's RPC can report, besides malformed requests, outages and 500. */
  failuresOf: (binding: HttpBinding) => readonly ErrorCode[];
  /** The credential a route demands as the server is configured; undefined: none. */
  credentialOf: (method: DescMethod) => OpenApiCredential | undefined;
}

/** Every request can be malformed (path text included) and meet an outage. */
const COMMON_FAILURES = [ErrorCode.INVALID_ARGUMENT, ErrorCode.UNAVAILABLE] as const;

const json = (schema: JsonObject) => ({ 'application/json': { schema } });
const errorResponse = (description: string) => ({
  description,
  content: json(schemaRef(ERROR_SCHEMA)),
});

function errorResponses(codes: readonly ErrorCode[]): JsonObject {
  const responses: Record<string, string[]> = {};
  for (const code of new Set(codes)) {
    const status = String(ERROR_STATUSES[code].httpStatus);
    (responses[status] ??= []).push(`${code} (gRPC ${ERROR_STATUSES[code].grpcStatus})`);
  }
  const statuses = Object.keys(responses).sort();
  return Object.fromEntries(
    statuses.map((status) => [status, errorResponse(responses[status]!.join(', '))]),
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

function operation(
  binding: HttpBinding,
  schemas: SchemaRegistry,
  api: OpenApiDescription,
): JsonObject {
  const { method } = binding;
  const body = requestBody(binding, schemas);
  const credential = api.credentialOf(method);
  const failures = [
    ...COMMON_FAILURES,
    ...api.failuresOf(binding),
    ...(credential?.failures ?? []),
  ];
  return {
    operationId: `${method.parent.name}_${method.name}`,
    tags: [method.parent.name],
    summary: `${method.parent.typeName}/${method.name}`,
    parameters: parameters(binding, schemas),
    ...(body && { requestBody: body }),
    ...(credential && { security: [{ [credential.scheme]: [] }] }),
    responses: {
      '200': { description: 'OK', content: json(schemas.ref(method.output)) },
      ...errorResponses(failures),
      default: errorResponse('unexpected error: 500, gRPC UNKNOWN (2)'),
    },
  };
}

const ERROR_BODY: JsonObject = {
  type: 'object',
  required: ['code', 'message', 'details'],
  properties: {
    code: { type: 'integer', format: 'int32', description: 'gRPC status code' },
    message: { type: 'string' },
    details: { type: 'array', items: { type: 'object' } },
  },
};

/** The security schemes the routes use, each a bearer `authorization` header. */
function securitySchemes(bindings: readonly HttpBinding[], api: OpenApiDescription): JsonObject {
  const schemes: Record<string, JsonObject> = {};
  for (const { method } of bindings) {
    const credential = api.credentialOf(method);
    if (!credential) continue;
    schemes[credential.scheme] = {
      type: 'http',
      scheme: 'bearer',
      description: credential.description,
    };
  }
  return schemes;
}

/** The document served at `GET /openapi.json` (which it lists too). */
export function buildOpenApiDocument(
  bindings: readonly HttpBinding[],
  api: OpenApiDescription,
): JsonObject {
  const inputs = reachableMessages(bindings.map((binding) => binding.method.input));
  const outputs = reachableMessages(bindings.map((binding) => binding.method.output));
  const schemas = new SchemaRegistry(new Set([...outputs].filter((m) => !inputs.has(m))));
  const paths: Record<string, Record<string, JsonObject>> = {};
  for (const binding of bindings) {
    (paths[binding.template] ??= {})[binding.verb.toLowerCase()] = operation(binding, schemas, api);
  }
  paths[OPENAPI_PATH] = {
    get: {
      operationId: 'OpenApi',
      summary: 'This document',
      responses: { '200': { description: 'OK', content: json({ type: 'object' }) } },
    },
  };
  schemas.schemas[ERROR_SCHEMA] = ERROR_BODY;
  const schemes = securitySchemes(bindings, api);
  return {
    openapi: '3.1.0',
    info: { title: api.title, version: 'v1', description: api.description },
    paths,
    components: {
      schemas: schemas.schemas,
      ...(Object.keys(schemes).length > 0 && { securitySchemes: schemes }),
    },
  };
}
