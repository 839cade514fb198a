/**
 * The Rooms API over HTTP, Maestro v1's routes and JSON (grpc-gateway conventions): each route
 * comes from its RPC's `google.api.http` option, checks the room's token when room authentication
 * is on, decodes the request message from the path and the body, calls the RPC and writes the
 * response in grpc-gateway's JSON. Errors go through the one error table (see http-app.ts).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { createHttpApp } from '../shared/http-app';
import { httpBindingOf, type HttpBinding } from '../shared/http-bindings';
import { decodeHttpRequest } from '../shared/http-request';
import { toGatewayJson } from '../shared/gateway-json';
import type { BoundMethod } from '../shared/unary-service';
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
 * Adds every Rooms API route to `app`. The room's token is checked as soon as the route is known,
 * before the body is even read.
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
        request.headers.authorization,
      );
      done();
    } catch (error) {
      done(error as Error);
    }
  };
  for (const { binding, rpc } of routesOf(deps)) {
    app.route({
      method: binding.verb,
      url: binding.routerPath,
      ...(deps.auth.isRequired && RoomAuthenticator.isRoomScoped(rpc.method)
        ? { onRequest: authenticate }
        : {}),
      handler: async (request, reply) => {
        const message = decodeHttpRequest(binding, request);
        const response = await rpc.invoke(message, { jsonBody: request.body });
        return reply.send(toGatewayJson(rpc.method.output, response));
      },
    });
  }
}

/** The Rooms API's HTTP app, ready to `listen()` (tests `inject()` or listen on port 0). */
export function buildRoomsHttpApp(deps: RoomsApiDeps): FastifyInstance {
  const bindings = routesOf(deps).map((route) => route.binding);
  const app = createHttpApp(deps.log, {
    bindings,
    hasRouteForPath: (path) => bindings.some((binding) => binding.pathPattern.test(path)),
  });
  registerRoomsRoutes(app, deps);
  return app;
}
