/**
 * The Rooms API over HTTP/JSON as Maestro's grpc-gateway serves it: each RPC's verb and path from
 * its `google.api.http` option, path variables from the request, the rest of the request as the
 * JSON body (`body: "*"`), protobuf's JSON mapping with lowerCamelCase names. int64 fields are
 * written as JSON numbers, as game rooms send them (the server takes the ping's fast path for
 * them), and answers are read ignoring fields this version does not know.
 */
import {
  create,
  fromJson,
  getOption,
  ScalarType,
  toJson,
  type DescMessage,
  type DescMethod,
  type JsonObject,
  type JsonValue,
  type MessageInitShape,
  type MessageShape,
} from '@bufbuild/protobuf';
import { http } from './gen/google/api/annotations_pb';
import { RoomsApiError, RoomsConnectionError } from './errors';
import type { CallOptions, RoomsMethod, RoomsTransport } from './transport';

interface Route {
  verb: string;
  /** Path segments; a field name where a path variable is. */
  segments: Array<{ literal: string } | { field: string; jsonName: string }>;
}

const VARIABLE = /^\{([a-z_][a-z0-9_]*)(?:=\*)?\}$/;

function routeOf(method: DescMethod): Route {
  const rule = getOption(method, http);
  const { case: verb, value } = rule.pattern;
  if (verb === undefined || verb === 'custom' || rule.body !== (verb === 'get' ? '' : '*')) {
    throw new Error(`${method.name}: unsupported google.api.http rule`);
  }
  const segments = value.split('/').map((segment) => {
    const name = VARIABLE.exec(segment)?.[1];
    if (name === undefined) return { literal: segment };
    const field = method.input.fields.find((candidate) => candidate.name === name);
    if (!field) throw new Error(`${method.name}: path variable ${name} is not a request field`);
    return { field: field.localName, jsonName: field.jsonName };
  });
  return { verb: verb.toUpperCase(), segments };
}

export interface HttpTransportOptions {
  /** `http://rooms-api:8070` (a path prefix is kept). */
  address: string;
  /** Default: the global `fetch`. */
  fetch?: typeof fetch;
}

export class HttpTransport implements RoomsTransport {
  readonly kind = 'http';
  private readonly base: string;
  private readonly fetch: typeof fetch;
  private readonly routes = new Map<DescMethod, Route>();
  private isClosed = false;

  constructor(options: HttpTransportOptions) {
    this.base = options.address.replace(/\/+$/, '');
    this.fetch = options.fetch ?? fetch;
  }

  async call<M extends RoomsMethod>(
    method: M,
    init: MessageInitShape<M['input']>,
    options: CallOptions,
  ): Promise<MessageShape<M['output']>> {
    const route = this.route(method);
    const message = create(method.input, init);
    const body = numericInt64(method.input, toJson(method.input, message, ALL_FIELDS));
    const fields = message as unknown as Record<string, unknown>;
    const path = route.segments.map((segment) => {
      if ('literal' in segment) return segment.literal;
      delete body[segment.jsonName];
      return encodeURIComponent(String(fields[segment.field]));
    });
    const url = `${this.base}${path.join('/')}`;
    const text = await this.send(url, route.verb, route.verb === 'GET' ? undefined : body, options);
    try {
      const json = (text === '' ? {} : JSON.parse(text)) as JsonValue;
      return fromJson(method.output, json, { ignoreUnknownFields: true }) as MessageShape<
        M['output']
      >;
    } catch (error) {
      const message = `unreadable answer from ${url}: ${String(error)}`;
      throw new RoomsApiError({ transport: 'http', code: INTERNAL, message });
    }
  }

  close(): void {
    this.isClosed = true;
  }

  private route(method: DescMethod): Route {
    let route = this.routes.get(method);
    if (!route) this.routes.set(method, (route = routeOf(method)));
    return route;
  }

  private async send(
    url: string,
    verb: string,
    body: JsonValue | undefined,
    options: CallOptions,
  ): Promise<string> {
    if (this.isClosed) throw new RoomsConnectionError(url, false, false, { cause: CLOSED });
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (options.authorization) headers['authorization'] = options.authorization;
    let response: Response;
    let text: string;
    try {
      response = await this.fetch(url, {
        method: verb,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(options.timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      throw new RoomsConnectionError(url, !isRefused(error), isTimeout(error), { cause: error });
    }
    if (!response.ok) throw httpError(response, text);
    return text;
  }
}

const CLOSED = new Error('the client is closed');
const INTERNAL = 13;

/** Every field, zero values too: a ping says `"runningMatches": 0` as rooms always have. */
const ALL_FIELDS = { alwaysEmitImplicit: true } as const;

const INT64_TYPES: ReadonlySet<ScalarType> = new Set([
  ScalarType.INT64,
  ScalarType.UINT64,
  ScalarType.SINT64,
  ScalarType.FIXED64,
  ScalarType.SFIXED64,
]);

/**
 * The request's JSON with its top-level int64 fields (which protobuf's JSON mapping writes as
 * strings) as numbers when they are exact. Rooms API requests have no nested int64 fields.
 */
function numericInt64(schema: DescMessage, json: JsonValue): JsonObject {
  const body = { ...(json as JsonObject) };
  for (const field of schema.fields) {
    const value = body[field.jsonName];
    if (field.fieldKind !== 'scalar' || !INT64_TYPES.has(field.scalar)) continue;
    if (typeof value === 'string' && Number.isSafeInteger(Number(value))) {
      body[field.jsonName] = Number(value);
    }
  }
  return body;
}

// Errors of `fetch` are checked by shape: they may come from another realm (a test runner's).
const fieldOf = (value: unknown, key: string): unknown =>
  typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;

/** The connection was refused: the request never left this process. */
const isRefused = (error: unknown) => fieldOf(fieldOf(error, 'cause'), 'code') === 'ECONNREFUSED';

/** `AbortSignal.timeout` ended the call (a DOMException named TimeoutError). */
const isTimeout = (error: unknown) => fieldOf(error, 'name') === 'TimeoutError';

/**
 * grpc-gateway's mapping from HTTP status to gRPC code, for answers whose body is not the API's
 * error JSON (a proxy's page).
 */
const GRPC_CODE_OF_STATUS: Readonly<Record<number, number>> = {
  400: 3,
  401: 16,
  403: 7,
  404: 5,
  409: 10,
  429: 8,
  499: 1,
  501: 12,
  503: 14,
  504: 4,
};

function httpError(response: Response, text: string): RoomsApiError {
  const retryAfter = Number(response.headers.get('retry-after') ?? NaN);
  let code = GRPC_CODE_OF_STATUS[response.status] ?? 2;
  let message = text.trim() || response.statusText;
  try {
    const body = JSON.parse(text) as { code?: unknown; message?: unknown };
    if (typeof body.code === 'number') code = body.code;
    if (typeof body.message === 'string') message = body.message;
  } catch {
    // not the API's error JSON: keep the text
  }
  return new RoomsApiError({
    transport: 'http',
    code,
    message,
    httpStatus: response.status,
    ...(Number.isFinite(retryAfter) && { retryAfterSeconds: retryAfter }),
  });
}
