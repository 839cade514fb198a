import {
  ScalarType,
  type DescField,
  type JsonObject,
  type JsonValue,
  type Message,
} from '@bufbuild/protobuf';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { httpAuthorization } from './authorization';
import type { HttpBinding } from './http-bindings';
import { decodeJsonMessage, fieldByJsonKey, isJsonObject } from './json-request';
import { MalformedRequestError } from './malformed-request-error';
import { UndecodableQueryValue } from './query-string';
import { TEXT_RULES } from './request-text';
import type { CallContext } from './unary-service';

/** The parts of an HTTP request a binding reads (fastify's parsed params, query and body). */
export interface HttpRequestParts {
  params: unknown;
  query: unknown;
  body: unknown;
}

const asRecord = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null ? { ...value } : {};

/** What an RPC may know of the HTTP call besides its message. */
export const httpCallContext = (request: FastifyRequest): CallContext => ({
  jsonBody: request.body,
  // Read only where a credential is checked: a ping (no access control) never scans its headers.
  get authorization() {
    return httpAuthorization(request.raw);
  },
  peer: request.ip,
});

/**
 * Aborted when the client closes the connection before the answer is written (a long wait, such
 * as a waiting allocation, then stops).
 */
export function disconnectSignal(reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) controller.abort();
  });
  return controller.signal;
}

/**
 * The request message of an HTTP call, as grpc-gateway builds it: the JSON body (an absent body
 * is `{}`) or the query parameters, then the path variables, which win over both.
 */
export function decodeHttpRequest(binding: HttpBinding, request: HttpRequestParts): Message {
  const params = asRecord(request.params);
  const json = binding.hasBody ? bodyJson(request.body) : queryJson(binding, request.query);
  for (const field of binding.pathFields) {
    delete json[field.name];
    delete json[field.jsonName];
    const value = params[field.name];
    if (typeof value === 'string') json[field.jsonName] = value;
  }
  return decodeJsonMessage(binding.method.input, json);
}

function bodyJson(body: unknown): JsonObject {
  if (body === undefined) return {};
  if (!isJsonObject(body)) {
    throw new MalformedRequestError([{ field: 'body', message: 'must be a JSON object' }]);
  }
  return { ...body };
}

/**
 * Query parameters by proto or JSON name; unknown ones are ignored, as grpc-gateway does. Values
 * stay strings (protobuf JSON accepts numbers as strings) except booleans.
 */
function queryJson(binding: HttpBinding, query: unknown): JsonObject {
  const json: JsonObject = {};
  for (const [key, raw] of Object.entries(asRecord(query))) {
    const field = fieldByJsonKey(binding.method.input, key);
    if (!field || !binding.queryFields.includes(field)) continue;
    if (field.fieldKind === 'message' || field.fieldKind === 'map') continue;
    const values = (Array.isArray(raw) ? (raw as unknown[]) : [raw]).map((value) => {
      if (!(value instanceof UndecodableQueryValue)) return String(value);
      throw new MalformedRequestError([
        { field: field.jsonName, message: `${TEXT_RULES.utf8} (percent-encoded)` },
      ]);
    });
    if (field.fieldKind === 'list') {
      json[key] = values.map((value) => queryValue(field, value));
    } else if (values.length > 1) {
      throw new MalformedRequestError([
        { field: field.jsonName, message: 'must be given at most once' },
      ]);
    } else if (values[0] !== undefined) {
      json[key] = queryValue(field, values[0]);
    }
  }
  return json;
}

function queryValue(field: DescField, value: string): JsonValue {
  if (field.scalar !== ScalarType.BOOL) return value;
  return value === 'true' ? true : value === 'false' ? false : value;
}
