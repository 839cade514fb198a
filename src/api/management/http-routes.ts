/**
 * The Management API over HTTP, Maestro v1's routes and JSON: every route comes from the
 * `google.api.http` option of its RPC (as grpc-gateway mounts them), decodes the request message
 * from the path, the query or the body, calls the RPC's implementation and writes the response in
 * grpc-gateway's JSON. Errors go through the one error table (see http-app.ts).
 */
import type { TlsOptions } from 'node:tls';
import type { FastifyInstance } from 'fastify';
import { createHttpApp } from '../shared/http-app';
import { httpBindingOf, type HttpBinding } from '../shared/http-bindings';
import { decodeHttpRequest, httpCallContext } from '../shared/http-request';
import { toGatewayJson } from '../shared/gateway-json';
import type { BoundMethod } from '../shared/unary-service';
import { managementMethods, type ManagementApiDeps } from './management-service';
import { OPENAPI_PATH } from '../shared/openapi-document';
import { managementOpenApiDocument } from './openapi';

interface Route {
  binding: HttpBinding;
  rpc: BoundMethod;
}

const routesOf = (rpcs: readonly BoundMethod[]): Route[] =>
  rpcs.map((rpc) => ({ rpc, binding: httpBindingOf(rpc.method) }));

function addRoutes(app: FastifyInstance, routes: readonly Route[], deps: ManagementApiDeps): void {
  for (const { binding, rpc } of routes) {
    app.route({
      method: binding.verb,
      url: binding.routerPath,
      handler: async (request, reply) => {
        const message = decodeHttpRequest(binding, request);
        const response = await rpc.invoke(message, httpCallContext(request));
        return reply.send(toGatewayJson(rpc.method.output, response));
      },
    });
  }
  const document = managementOpenApiDocument(
    routes.map((route) => route.binding),
    { isAuthRequired: deps.isAuthRequired ?? false, isRateLimited: deps.rateLimits !== undefined },
  );
  app.get(OPENAPI_PATH, async (_request, reply) => reply.send(document));
}

/**
 * Adds every Management API route and `GET /openapi.json` to `app`. Static segments win over
 * path variables, so `GET /schedulers/info` is GetSchedulersInfo, never GetScheduler("info").
 */
export function registerManagementRoutes(app: FastifyInstance, deps: ManagementApiDeps): void {
  addRoutes(app, routesOf(managementMethods(deps)), deps);
}

/** The Management API's HTTP app (HTTPS when `https` is given), ready to `listen()`. */
export function buildManagementHttpApp(
  deps: ManagementApiDeps,
  https?: TlsOptions,
): FastifyInstance {
  const routes = routesOf(managementMethods(deps));
  const app = createHttpApp(deps.log, {
    ...(https && { https }),
    ...(deps.httpMetrics && { metrics: deps.httpMetrics }),
    bindings: routes.map(({ binding }) => binding),
    hasRouteForPath: (path) =>
      path === OPENAPI_PATH || routes.some(({ binding }) => binding.pathPattern.test(path)),
    ...(deps.isTraced && { tracing: {} }),
  });
  addRoutes(app, routes, deps);
  return app;
}
