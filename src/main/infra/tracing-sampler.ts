import { trace, type Attributes, type Context, type Link, type SpanKind } from '@opentelemetry/api';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  type Sampler,
  type SamplingResult,
} from '@opentelemetry/sdk-trace-node';
import { SAMPLING_CLASS_ATTRIBUTE, SamplingClass } from '../../api/shared/request-tracing';
import type { TracingConfig } from '../../config/load';

/** OpenTelemetry's standard sampler of that name (`OTEL_TRACES_SAMPLER`). */
export function standardSampler({ name, ratio }: TracingConfig['sampler']): Sampler {
  switch (name) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return new TraceIdRatioBasedSampler(ratio);
    case 'parentbased_always_on':
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio) });
  }
}

/**
 * A Rooms API ping that starts a trace is sampled at its own ratio (pings are most of the
 * traffic: 10k rooms make 1k a second); everything else, pings continuing a caller's trace
 * included, follows the standard sampler.
 */
export class PingRatioSampler implements Sampler {
  private readonly pings: Sampler;

  constructor(
    private readonly standard: Sampler,
    pingRatio: number,
  ) {
    this.pings = new TraceIdRatioBasedSampler(pingRatio);
  }

  shouldSample(
    context: Context,
    traceId: string,
    spanName: string,
    spanKind: SpanKind,
    attributes: Attributes,
    links: Link[],
  ): SamplingResult {
    const isPingRoot =
      attributes[SAMPLING_CLASS_ATTRIBUTE] === SamplingClass.PING &&
      trace.getSpanContext(context) === undefined;
    const sampler = isPingRoot ? this.pings : this.standard;
    return sampler.shouldSample(context, traceId, spanName, spanKind, attributes, links);
  }

  toString(): string {
    return `PingRatioSampler{pings=${this.pings.toString()}, others=${this.standard.toString()}}`;
  }
}
