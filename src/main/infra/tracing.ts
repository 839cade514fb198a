import { context, propagation, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import type { Resource } from '@opentelemetry/resources';
import { BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-node';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import {
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
  OpenTelemetryWorkflowClientInterceptor,
} from '@temporalio/interceptors-opentelemetry';
import type { ClientInterceptors } from '@temporalio/client';
import type { WorkerOptions } from '@temporalio/worker';
import type { TracingConfig } from '../../config/load';
import { PingRatioSampler, standardSampler } from './tracing-sampler';
import { workflowSpanSinks } from './workflow-span-sink';

/**
 * The process's OpenTelemetry tracing (docs/observability.md): spans are batched and exported
 * over OTLP/HTTP in protobuf to the standard `OTEL_EXPORTER_OTLP_*` endpoint. Registered as the
 * process's global tracer provider, so the APIs' server spans, the Temporal interceptors and the
 * adapters' spans all go through it. `shutdown()` exports what is left.
 */
export class Tracing {
  readonly resource: Resource;
  private readonly processor: SpanProcessor;
  private readonly provider: NodeTracerProvider;

  constructor(config: TracingConfig, processor?: SpanProcessor) {
    this.resource = resourceFromAttributes({ [ATTR_SERVICE_NAME]: config.serviceName }).merge(
      detectResources({ detectors: [envDetector] }),
    );
    this.processor = processor ?? new BatchSpanProcessor(new OTLPTraceExporter());
    this.provider = new NodeTracerProvider({
      resource: this.resource,
      sampler: new PingRatioSampler(standardSampler(config.sampler), config.pingSampleRatio),
      spanProcessors: [this.processor],
    });
    this.provider.register();
  }

  /** The Temporal client's interceptors: its calls are spans whose context travels in headers. */
  clientInterceptors(): ClientInterceptors {
    return { workflow: [new OpenTelemetryWorkflowClientInterceptor()] };
  }

  /**
   * A worker's activity interceptors and the sink its workflow interceptors export through (they
   * run inside the traced workflow bundle: `loadWorkflowBundle(log, { isTraced: true })`).
   */
  workerOptions(): Pick<WorkerOptions, 'interceptors' | 'sinks'> {
    return {
      interceptors: {
        activity: [
          (ctx) => ({
            inbound: new OpenTelemetryActivityInboundInterceptor(ctx),
            outbound: new OpenTelemetryActivityOutboundInterceptor(ctx),
          }),
        ],
      },
      sinks: workflowSpanSinks(this.processor, this.resource),
    };
  }

  /** Exports the spans still batched. */
  flush(): Promise<void> {
    return this.provider.forceFlush();
  }

  /** Exports what is left and unregisters the process's tracer provider. */
  async shutdown(): Promise<void> {
    await this.provider.shutdown();
    trace.disable();
    context.disable();
    propagation.disable();
  }
}
