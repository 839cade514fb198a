/**
 * The Rooms API over HTTP, Maestro v1's routes and JSON (grpc-gateway conventions): each route
 * comes from its RPC's `google.api.http` option, checks the room's token when room authentication
 * is on, decodes the request message from the path and the body, calls the RPC and writes the
 * response in grpc-gateway's JSON. Errors go through the one error table (see http-app.ts).
 */
import type { TlsOptions } from 'node:tls';
import { create, type JsonObject, type Message } from '@bufbuild/protobuf';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  RoomsService,
  UpdateRoomWithPingRequestSchema,
  type UpdateRoomWithPingResponse,
} from '../../gen/api/v1/rooms_pb';
import { httpAuthorization } from '../shared/authorization';
import { createHttpApp } from '../shared/http-app';
import { SamplingClass } from '../shared/request-tracing';
import { httpBindingOf, type HttpBinding } from '../shared/http-bindings';
import { OPENAPI_PATH } from '../shared/openapi-document';
import { decodeHttpRequest, disconnectSignal, httpCallContext } from '../shared/http-request';
import { toGatewayJson } from '../shared/gateway-json';
import type { BoundMethod } from '../shared/unary-service';
import { roomsOpenApiDocument } from './openapi';
import { RoomAuthenticator } from './room-auth';
import { roomsMethods, type RoomsApiDeps } from './rooms-service';

interface Route {
  binding: HttpBinding;
  rpc: BoundMethod;
}

const routesOf = (deps: RoomsApiDeps): Route[] =>
  roomsMethods(deps).map((rpc) => ({ rpc, binding: httpBindingOf(rpc.method) }));

type PathParams = { scheduler_name?: string; room_name?: string };

/**
 * Adds every Rooms API route and `GET /openapi.json` to `app`. The room's token is checked as soon
 * as the route is known, before the body is even read.
 */
export function registerRoomsRoutes(app: FastifyInstance, deps: RoomsApiDeps): void {
  const authenticate = (
    request: FastifyRequest,
    _reply: unknown,
    done: (error?: Error) => void,
  ) => {
    const params = request.params as PathParams;
    try {
      deps.auth.check(
        params.scheduler_name ?? '',
        params.room_name ?? '',
        httpAuthorization(request.raw),
      );
      done();
    } catch (error) {
      done(error as Error);
    }
  };
  const routes = routesOf(deps);
  for (const { binding, rpc } of routes) {
    app.route({
      method: binding.verb,
      url: binding.routerPath,
      ...(deps.auth.isRequired && RoomAuthenticator.isRoomScoped(rpc.method)
        ? { onRequest: authenticate }
        : {}),
      handler:
        rpc.method === RoomsService.method.updateRoomWithPing
          ? async (request, reply) => {
              const message = plainPingRequest(request) ?? decodeHttpRequest(binding, request);
              const response = await rpc.invoke(message, httpCallContext(request));
              const { success } = response as UpdateRoomWithPingResponse;
              return reply.type(JSON_TYPE).send(success ? PING_RECORDED : PING_REFUSED);
            }
          : async (request, reply) => {
              const message = decodeHttpRequest(binding, request);
              const context =
                rpc.method === RoomsService.method.allocateRoom
                  ? { ...httpCallContext(request), signal: disconnectSignal(reply) }
                  : httpCallContext(request);
              const response = await rpc.invoke(message, context);
              return reply.send(toGatewayJson(rpc.method.output, response));
            },
    });
  }
  const document = roomsOpenApiDocument(
    routes.map((route) => route.binding),
    {
      isRoomTokenRequired: deps.auth.isRequired,
      isMatchmakerCredentialRequired: deps.guard !== undefined,
    },
  );
  app.get(OPENAPI_PATH, async (_request, reply) => reply.send(document));
}

/**
 * The ping's answers as `toGatewayJson` writes them, and fastify's content type for them: the
 * busiest route skips building and encoding a response message.
 */
const PING_RECORDED = '{"success":true}';
const PING_REFUSED = '{"success":false}';
const JSON_TYPE = 'application/json; charset=utf-8';

const PING_BODY_KEYS = new Set(['status', 'timestamp', 'runningMatches', 'metadata']);

const isPlainInteger = (value: unknown) => value === undefined || Number.isSafeInteger(value);

const isFlatObject = (value: unknown): value is JsonObject => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  for (const key in value) {
    const item = (value as Record<string, unknown>)[key];
    if (typeof item === 'object' && item !== null) return false;
  }
  return true;
};

/**
 * A ping body as rooms send it (`status`, integer `timestamp` and `runningMatches`, flat
 * `metadata`, nothing else) made into the request message directly, as protobuf's JSON decoding
 * would make it; undefined for any other body, which then takes the general decoding (and its
 * errors).
 */
function plainPingRequest(request: FastifyRequest): Message | undefined {
  const body = request.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const { status, timestamp, runningMatches, metadata } = body as Record<string, unknown>;
  for (const key in body) if (!PING_BODY_KEYS.has(key)) return undefined;
  if (status !== undefined && typeof status !== 'string') return undefined;
  if (!isPlainInteger(timestamp) || !isPlainInteger(runningMatches)) return undefined;
  if (metadata !== undefined && !isFlatObject(metadata)) return undefined;
  const params = request.params as PathParams;
  return create(UpdateRoomWithPingRequestSchema, {
    schedulerName: params.scheduler_name ?? '',
    roomName: params.room_name ?? '',
    status: status ?? '',
    timestamp: BigInt((timestamp as number | undefined) ?? 0),
    runningMatches: BigInt((runningMatches as number | undefined) ?? 0),
    ...(metadata !== undefined && { metadata }),
  });
}

/** The Rooms API's HTTP app, ready to `listen()` (tests `inject()` or listen on port 0). */
export function buildRoomsHttpApp(deps: RoomsApiDeps, https?: TlsOptions): FastifyInstance {
  const routes = routesOf(deps);
  const bindings = routes.map((route) => route.binding);
  const ping = routes.find(({ rpc }) => rpc.method === RoomsService.method.updateRoomWithPing);
  const app = createHttpApp(deps.log, {
    ...(https && { https }),
    ...(deps.httpMetrics && { metrics: deps.httpMetrics }),
    bindings,
    hasRouteForPath: (path) =>
      path === OPENAPI_PATH || bindings.some((binding) => binding.pathPattern.test(path)),
    ...(deps.isTraced && {
      tracing: {
        samplingClassOf: (method: string, route: string) =>
          method === ping?.binding.verb && route === ping.binding.routerPath
            ? SamplingClass.PING
            : undefined,
      },
    }),
  });
  registerRoomsRoutes(app, deps);
  return app;
}
