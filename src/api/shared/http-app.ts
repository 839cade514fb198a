import type { TlsOptions } from 'node:tls';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { gatewayErrorBody, GrpcStatus, toWireError } from './error-mapping';
import { clientErrorHandler, routerErrorHandler } from './framework-errors';
import type { HttpRequestMetrics } from '../../ports/http-metrics';
import type { HttpBinding } from './http-bindings';
import { measureHttpRequests } from './http-request-metrics';
import { MalformedRequestError } from './malformed-request-error';
import { parseQueryString } from './query-string';
import { MAX_TEXT_LENGTH } from './request-text';
import { traceHttpRequests, type HttpTracingOptions } from './request-tracing';

export interface HttpAppOptions {
  /**
   * True when some route serves this path with another method: the request then gets
   * grpc-gateway's 405 answer (`501 {"code":12,"message":"Method Not Allowed"}`), not a 404.
   */
  hasRouteForPath?: (path: string) => boolean;
  /** The app's routes, so that an undecodable or too long path variable is named in the error. */
  bindings?: readonly HttpBinding[];
  /** Serve HTTPS with these options (HTTP/1.1, as Maestro's clients speak). */
  https?: TlsOptions;
  /** Where every request is measured (see `measureHttpRequests`); none: unmeasured. */
  metrics?: HttpRequestMetrics;
  /** Given when tracing is on: every request is then a server span. None: no tracing hooks. */
  tracing?: HttpTracingOptions;
}

/** grpc-gateway accepts as much as gRPC does by default (4 MiB messages). */
const BODY_LIMIT_BYTES = 4 * 1024 * 1024;

/**
 * A fastify app with Maestro's (grpc-gateway's) conventions: every error body is
 * `{code, message, details}` with the gRPC code and the HTTP status of the one error table; unknown
 * paths are 404 `Not Found`, known paths with another method 501; bodies are JSON whatever their
 * content type, and one that is not valid JSON is 400; errors of the framework itself (body too
 * large 413, path variable too long 414, undecodable path 400, headers too large 431) keep their
 * status and get the same body; anything unexpected is logged and answered 500 without leaking
 * internals.
 */
export function createHttpApp(log: Logger, options: HttpAppOptions = {}): FastifyInstance {
  const app = Fastify({
    ...(options.https && { https: options.https }),
    logger: false,
    bodyLimit: BODY_LIMIT_BYTES,
    // Path variables are single segments (grpc-gateway's `{x=*}`), as long as any parameter.
    routerOptions: { maxParamLength: MAX_TEXT_LENGTH, querystringParser: parseQueryString },
    frameworkErrors: routerErrorHandler(options.bindings ?? []),
    clientErrorHandler,
    // grpc-gateway has no HEAD routes: HEAD on a GET path is "Method Not Allowed".
    exposeHeadRoutes: false,
  });
  if (options.metrics) measureHttpRequests(app, options.metrics);
  if (options.tracing) traceHttpRequests(app, options.tracing);
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      done(
        new MalformedRequestError([{ field: 'body', message: `must be valid JSON (${reason})` }]),
      );
    }
  });
  app.setNotFoundHandler(async (request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    if (options.hasRouteForPath?.(path)) {
      return reply
        .code(501)
        .send(
          gatewayErrorBody({ grpcStatus: GrpcStatus.UNIMPLEMENTED, message: 'Method Not Allowed' }),
        );
    }
    return reply
      .code(404)
      .send(gatewayErrorBody({ grpcStatus: GrpcStatus.NOT_FOUND, message: 'Not Found' }));
  });
  app.setErrorHandler(async (error: unknown, request, reply) => {
    const wire = toWireError(error);
    if (wire.isUnexpected) {
      log.error({ err: error, method: request.method, url: request.url }, 'request failed');
    }
    if (wire.retryAfterSeconds !== undefined) {
      void reply.header('retry-after', String(wire.retryAfterSeconds));
    }
    return reply.code(wire.httpStatus).send(gatewayErrorBody(wire));
  });
  return app;
}
