import { ConfigError, loadConfig } from '../../src/config/load';

const problemsOf = (env: Record<string, string>) => {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
};

describe('tracing configuration', () => {
  it('is off when neither MAESTRO_TRACING_ENABLED nor an OTLP endpoint is set', () => {
    expect(loadConfig({ OTEL_SERVICE_NAME: 'rooms' }).tracing).toBeUndefined();
  });

  it('is on with the defaults when MAESTRO_TRACING_ENABLED is true', () => {
    expect(loadConfig({ MAESTRO_TRACING_ENABLED: 'true' }).tracing).toEqual({
      serviceName: 'maestro',
      sampler: { name: 'parentbased_always_on', ratio: 1 },
      pingSampleRatio: 0.01,
    });
  });

  it.each(['OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'])(
    'is on when %s is set, with the standard sampler and service name',
    (variable) => {
      const { tracing } = loadConfig({
        [variable]: 'http://collector:4318',
        OTEL_SERVICE_NAME: 'maestro-eu',
        OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
        OTEL_TRACES_SAMPLER_ARG: '0.25',
        MAESTRO_TRACING_PING_SAMPLE_RATIO: '0.001',
      });

      expect(tracing).toEqual({
        serviceName: 'maestro-eu',
        sampler: { name: 'parentbased_traceidratio', ratio: 0.25 },
        pingSampleRatio: 0.001,
      });
    },
  );

  it('is off when OTEL_SDK_DISABLED is true, whatever else is set', () => {
    const config = loadConfig({
      MAESTRO_TRACING_ENABLED: 'true',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
      OTEL_SDK_DISABLED: 'true',
    });

    expect(config.tracing).toBeUndefined();
  });

  it('names a ping sample ratio outside 0 to 1', () => {
    const problems = problemsOf({ MAESTRO_TRACING_PING_SAMPLE_RATIO: '2' });

    expect(problems).toEqual([
      { variable: 'MAESTRO_TRACING_PING_SAMPLE_RATIO', message: 'must be a number from 0 to 1' },
    ]);
  });

  it('names an unknown sampler and an out-of-range sampler argument', () => {
    const problems = problemsOf({
      MAESTRO_TRACING_ENABLED: 'true',
      OTEL_TRACES_SAMPLER: 'jaeger_remote',
      OTEL_TRACES_SAMPLER_ARG: '1.5',
    });

    expect(problems.map((problem) => problem.variable).sort()).toEqual([
      'OTEL_TRACES_SAMPLER',
      'OTEL_TRACES_SAMPLER_ARG',
    ]);
  });
});
