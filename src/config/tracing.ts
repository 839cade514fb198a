import type { ConfigProblem } from './problems';
import type { Environment } from './schema';

/** OpenTelemetry's standard samplers (`OTEL_TRACES_SAMPLER`). */
export const TRACE_SAMPLERS = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
] as const;
export type TraceSamplerName = (typeof TRACE_SAMPLERS)[number];

/** OpenTelemetry tracing (docs/observability.md); absent from `Config` when off. */
export interface TracingConfig {
  /** `service.name` of every span: `OTEL_SERVICE_NAME`, else `maestro`. */
  serviceName: string;
  /** The sampler of every trace but the pings': `OTEL_TRACES_SAMPLER` and its ratio argument. */
  sampler: { name: TraceSamplerName; ratio: number };
  /** Share of Rooms API pings traced (pings that arrive without a trace context). */
  pingSampleRatio: number;
}

const OTLP_ENDPOINT_VARIABLES = [
  'OTEL_EXPORTER_OTLP_ENDPOINT',
  'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
] as const;

type RawEnvironment = Readonly<Record<string, string | undefined>>;

/**
 * Tracing is on when MAESTRO_TRACING_ENABLED is true or an OTLP endpoint is configured the
 * standard way, unless `OTEL_SDK_DISABLED=true` (OpenTelemetry's own off switch). The exporter
 * reads its standard `OTEL_EXPORTER_OTLP_*` variables itself, the resource
 * `OTEL_RESOURCE_ATTRIBUTES`.
 */
export function resolveTracing(
  env: Environment,
  raw: RawEnvironment,
): { settings?: TracingConfig; problems: ConfigProblem[] } {
  if (valueOf(raw, 'OTEL_SDK_DISABLED').toLowerCase() === 'true') return { problems: [] };
  const hasEndpoint = OTLP_ENDPOINT_VARIABLES.some((name) => valueOf(raw, name) !== '');
  if (!env.MAESTRO_TRACING_ENABLED && !hasEndpoint) return { problems: [] };
  const { sampler, problems } = samplerOf(raw);
  return {
    settings: {
      serviceName: valueOf(raw, 'OTEL_SERVICE_NAME') || 'maestro',
      sampler,
      pingSampleRatio: env.MAESTRO_TRACING_PING_SAMPLE_RATIO,
    },
    problems,
  };
}

function samplerOf(raw: RawEnvironment): {
  sampler: TracingConfig['sampler'];
  problems: ConfigProblem[];
} {
  const problems: ConfigProblem[] = [];
  const given = valueOf(raw, 'OTEL_TRACES_SAMPLER').toLowerCase() || 'parentbased_always_on';
  const name = TRACE_SAMPLERS.find((known) => known === given);
  if (!name) {
    problems.push({
      variable: 'OTEL_TRACES_SAMPLER',
      message: `must be one of ${TRACE_SAMPLERS.join(', ')}`,
    });
  }
  const argument = valueOf(raw, 'OTEL_TRACES_SAMPLER_ARG');
  const ratio = argument === '' ? 1 : Number(argument);
  if (!Number.isFinite(ratio) || ratio < 0 || ratio > 1) {
    problems.push({ variable: 'OTEL_TRACES_SAMPLER_ARG', message: 'must be a number from 0 to 1' });
  }
  return { sampler: { name: name ?? 'parentbased_always_on', ratio }, problems };
}

const valueOf = (raw: RawEnvironment, name: string): string => (raw[name] ?? '').trim();
