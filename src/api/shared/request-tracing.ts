import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
} from '@opentelemetry/api';
import type { Metadata } from '@grpc/grpc-js';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { maestroTracer } from '../../shared/tracing';
import { toWireError } from './error-mapping';

/**
 * Start attribute naming the sampling a request's trace gets, read by the process's sampler
 * (src/main/infra/tracing-sampler.ts): pings have their own ratio.
 */
export const SAMPLING_CLASS_ATTRIBUTE = 'maestro.sampling.class';
export const SamplingClass = { PING: 'ping' } as const;
export type SamplingClass = (typeof SamplingClass)[keyof typeof SamplingClass];

const tracer = maestroTracer;

export interface HttpTracingOptions {
  /** The sampling class of the route with this pattern and method, if it has one. */
  samplingClassOf?: (method: string, route: string) => SamplingClass | undefined;
}

/**
 * One server span per HTTP request, named by its route pattern (`PUT /schedulers/:name`, never
 * the path with its ids) and continuing a W3C `traceparent` the caller sent. The handler runs
 * in the span's context, so what it calls (the Temporal client, Redis) makes child spans.
 * Installed only when tracing is on: with it off, requests take no span path at all.
 */
export function traceHttpRequests(app: FastifyInstance, options: HttpTracingOptions = {}): void {
  const spans = new WeakMap<FastifyRequest, { span: Span; context: Context }>();
  app.addHook('onRequest', (request, _reply, done) => {
    const route = request.routeOptions.url;
    const samplingClass = route ? options.samplingClassOf?.(request.method, route) : undefined;
    const attributes: Attributes = {
      'http.request.method': request.method,
      ...(route && { 'http.route': route }),
      ...(samplingClass && { [SAMPLING_CLASS_ATTRIBUTE]: samplingClass }),
    };
    const parent = propagation.extract(ROOT_CONTEXT, request.headers);
    const name = route ? `${request.method} ${route}` : request.method;
    const span = tracer().startSpan(name, { kind: SpanKind.SERVER, attributes }, parent);
    spans.set(request, { span, context: trace.setSpan(parent, span) });
    done();
  });
  // The handler is called synchronously once the last preHandler hook is done.
  app.addHook('preHandler', (request, _reply, done) => {
    const traced = spans.get(request);
    if (traced) context.with(traced.context, done);
    else done();
  });
  app.addHook('onResponse', (request, reply, done) => {
    const traced = spans.get(request);
    if (traced) {
      traced.span.setAttribute('http.response.status_code', reply.statusCode);
      if (reply.statusCode >= 500) traced.span.setStatus({ code: SpanStatusCode.ERROR });
      traced.span.end();
      spans.delete(request);
    }
    done();
  });
  app.addHook('onRequestAbort', (request, done) => {
    const traced = spans.get(request);
    if (traced) {
      traced.span.setStatus({ code: SpanStatusCode.ERROR, message: 'request aborted' });
      traced.span.end();
      spans.delete(request);
    }
    done();
  });
}

/** gRPC metadata as a propagation carrier (the first value of each key). */
const metadataGetter = {
  keys: (carrier: Metadata) => Object.keys(carrier.getMap()),
  get: (carrier: Metadata, key: string) => {
    const value = carrier.get(key)[0];
    return value === undefined ? undefined : String(value);
  },
};

/**
 * Runs a unary gRPC call's work in a server span named by its method
 * (`api.v1.RoomsService/UpdateRoomWithPing`), continuing the caller's `traceparent` metadata.
 * The span ends with the gRPC status the call is answered with.
 */
function traceGrpcCall<T>(
  path: string,
  metadata: Metadata,
  samplingClass: SamplingClass | undefined,
  work: () => Promise<T>,
  statusOf: (error: unknown) => number,
): Promise<T> {
  const name = path.replace(/^\//, '');
  const [service = '', method = ''] = name.split('/');
  const parent = propagation.extract(ROOT_CONTEXT, metadata, metadataGetter);
  const span = tracer().startSpan(
    name,
    {
      kind: SpanKind.SERVER,
      attributes: {
        'rpc.system': 'grpc',
        'rpc.service': service,
        'rpc.method': method,
        ...(samplingClass && { [SAMPLING_CLASS_ATTRIBUTE]: samplingClass }),
      },
    },
    parent,
  );
  return context.with(trace.setSpan(parent, span), work).then(
    (result) => {
      span.setAttribute('rpc.grpc.status_code', 0);
      span.end();
      return result;
    },
    (error: unknown) => {
      const status = statusOf(error);
      span.setAttribute('rpc.grpc.status_code', status);
      if (isServerFault(status)) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
      throw error;
    },
  );
}

/** How a unary gRPC method's calls run: each in a server span, or as it is when tracing is off. */
export type GrpcCallRunner = <T>(metadata: Metadata, work: () => Promise<T>) => Promise<T>;

/**
 * The runner of the method at `path`: `traceGrpcCall` when the process traces, else `work` alone,
 * so that with tracing off a call takes no span path at all.
 */
export function grpcCallRunner(
  path: string,
  samplingClass: SamplingClass | undefined,
  isTraced: boolean,
): GrpcCallRunner {
  if (!isTraced) return (_metadata, work) => work();
  return (metadata, work) => traceGrpcCall(path, metadata, samplingClass, work, grpcStatusOf);
}

/** UNKNOWN, DEADLINE_EXCEEDED, UNIMPLEMENTED, INTERNAL, UNAVAILABLE, DATA_LOSS (OTel semconv). */
const isServerFault = (status: number) => [2, 4, 12, 13, 14, 15].includes(status);

/** The gRPC status a failed call is answered with (the one error table). */
const grpcStatusOf = (error: unknown): number => toWireError(error).grpcStatus;
