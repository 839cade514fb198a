import type { SpanContext } from '@opentelemetry/api';
import { createTraceState } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan, SpanProcessor } from '@opentelemetry/sdk-trace-node';
import type { OpenTelemetrySinks, SerializableSpan } from '@temporalio/interceptors-opentelemetry';
import type { InjectedSinks } from '@temporalio/worker';

/**
 * The sink the workflow interceptors (in the workflow bundle) export their spans through. Spans
 * made in the workflow sandbox cross it as plain objects in the shape of the interceptors' own
 * OpenTelemetry SDK (1.x: `parentSpanId`, `instrumentationLibrary`); they are rebuilt here as this
 * process's SDK spans and handed to its span processor, so they are batched and exported with the
 * rest. Sinks are not called while a workflow replays: a span is exported once.
 */
export function workflowSpanSinks(
  processor: SpanProcessor,
  resource: Resource,
): InjectedSinks<OpenTelemetrySinks> {
  return {
    exporter: {
      export: {
        fn: (info, spans) => {
          for (const span of spans) {
            processor.onEnd(
              readableSpan(span, resource, {
                'temporal.workflow.id': info.workflowId,
                'temporal.run.id': info.runId,
                'temporal.workflow.type': info.workflowType,
                'temporal.task.queue': info.taskQueue,
              }),
            );
          }
        },
      },
    },
  };
}

function readableSpan(
  span: SerializableSpan,
  resource: Resource,
  workflowAttributes: Record<string, string>,
): ReadableSpan {
  const { traceState, ...ids } = span.spanContext;
  const context: SpanContext = {
    ...ids,
    ...(traceState !== undefined && { traceState: createTraceState(traceState) }),
  };
  const parent: SpanContext | undefined =
    span.parentSpanId === undefined
      ? undefined
      : { traceId: ids.traceId, spanId: span.parentSpanId, traceFlags: ids.traceFlags };
  return {
    name: span.name,
    kind: span.kind,
    spanContext: () => context,
    ...(parent && { parentSpanContext: parent }),
    startTime: span.startTime,
    endTime: span.endTime,
    status: span.status,
    attributes: { ...span.attributes, ...workflowAttributes },
    links: span.links,
    events: span.events,
    duration: span.duration,
    ended: span.ended,
    resource,
    instrumentationScope: span.instrumentationLibrary,
    droppedAttributesCount: span.droppedAttributesCount,
    droppedEventsCount: span.droppedEventsCount,
    droppedLinksCount: span.droppedLinksCount,
  };
}
