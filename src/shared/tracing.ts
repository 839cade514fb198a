import {
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Span,
  type Tracer,
} from '@opentelemetry/api';

/** The instrumentation scope of every span maestro makes itself. */
export const TRACER_NAME = 'maestro';

/** Maestro's tracer: the process's tracer provider's, a no-op one when tracing is off. */
export const maestroTracer = (): Tracer => trace.getTracer(TRACER_NAME);

/**
 * Runs `work` in a client span (a call to Redis, a forwarder, the Kubernetes API), a child of
 * the active span. A rejection marks the span as an error and is rethrown; `work` may add
 * attributes of its outcome to the span it is given.
 */
export async function inClientSpan<T>(
  name: string,
  attributes: Attributes,
  work: (span: Span) => Promise<T>,
): Promise<T> {
  return maestroTracer().startActiveSpan(
    name,
    { kind: SpanKind.CLIENT, attributes },
    async (span) => {
      try {
        return await work(span);
      } catch (error) {
        span.setStatus({
          code: SpanStatusCode.ERROR,
          message: error instanceof Error ? error.message : String(error),
        });
        throw error;
      } finally {
        span.end();
      }
    },
  );
}
