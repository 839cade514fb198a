import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { HttpRequestMetrics } from '../../ports/http-metrics';

/**
 * Path variables under the names Maestro's handler labels used (`/schedulers/:schedulerName`,
 * `/scheduler/:schedulerName/rooms/:roomID/ping`), so dashboards built on them keep working.
 */
const MAESTRO_VARIABLE_NAMES: Readonly<Record<string, string>> = {
  scheduler_name: 'schedulerName',
  name: 'schedulerName',
  room_name: 'roomID',
  operation_id: 'operationID',
};

/** The `handler` label of a fastify route pattern: its variables named as Maestro named them. */
export function handlerLabelOf(routePattern: string): string {
  return routePattern.replace(
    /:([A-Za-z_][A-Za-z0-9_]*)/g,
    (_match, name: string) => `:${MAESTRO_VARIABLE_NAMES[name] ?? name}`,
  );
}

/**
 * Measures every request of `app` (go-http-metrics' middleware): requests in flight per handler,
 * and each response's duration and size. The handler is the matched route's pattern, so the
 * series stay bounded whatever paths clients send; a request that matches no route is `''`.
 */
export function measureHttpRequests(app: FastifyInstance, metrics: HttpRequestMetrics): void {
  const labels = new Map<string, string>();
  const handlerOf = (request: FastifyRequest): string => {
    const pattern = request.routeOptions.url;
    if (pattern === undefined) return '';
    let label = labels.get(pattern);
    if (label === undefined) {
      label = handlerLabelOf(pattern);
      labels.set(pattern, label);
    }
    return label;
  };
  app.addHook('onRequest', (request, reply, done) => {
    const handler = handlerOf(request);
    metrics.requestStarted(handler);
    // 'close' comes exactly once, also when the client went away before the answer.
    reply.raw.once('close', () => metrics.requestClosed(handler));
    done();
  });
  app.addHook('onResponse', (request, reply, done) => {
    metrics.responseSent({
      handler: handlerOf(request),
      method: request.method,
      code: reply.statusCode,
      durationSeconds: reply.elapsedTime / 1000,
      sizeBytes: Number(reply.getHeader('content-length') ?? 0),
    });
    done();
  });
}
