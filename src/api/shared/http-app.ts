import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';

/** gRPC status codes used in grpc-gateway error bodies. */
const GrpcCode = { INVALID_ARGUMENT: 3, NOT_FOUND: 5, UNKNOWN: 2 } as const;

/**
 * A fastify app with Maestro's (grpc-gateway's) error conventions: every error body is
 * `{code, message, details}` with the gRPC code; unknown paths are 404 `Not Found`; a body that is
 * not valid JSON is 400; anything unexpected is logged and answered 500 without leaking internals.
 */
export function createHttpApp(log: Logger): FastifyInstance {
  const app = Fastify({ logger: false });
  app.setNotFoundHandler(async (_request, reply) =>
    reply.code(404).send({ code: GrpcCode.NOT_FOUND, message: 'Not Found', details: [] }),
  );
  app.setErrorHandler(async (error: FastifyError, request, reply) => {
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      return reply
        .code(400)
        .send({ code: GrpcCode.INVALID_ARGUMENT, message: error.message, details: [] });
    }
    log.error({ err: error, method: request.method, url: request.url }, 'request failed');
    return reply.code(500).send({ code: GrpcCode.UNKNOWN, message: 'internal error', details: [] });
  });
  return app;
}
