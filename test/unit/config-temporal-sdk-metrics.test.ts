import { loadConfig } from '../../src/config/load';

describe('MAESTRO_TEMPORAL_SDK_METRICS', () => {
  it('serves the SDK metrics from a free loopback port when nothing is set', () => {
    expect(loadConfig({}).temporalSdkMetrics).toEqual({ port: 0 });
  });

  it('uses the configured port when MAESTRO_TEMPORAL_SDK_METRICS_PORT is set', () => {
    expect(loadConfig({ MAESTRO_TEMPORAL_SDK_METRICS_PORT: '9464' }).temporalSdkMetrics).toEqual({
      port: 9464,
    });
  });

  it('leaves the SDK metrics out when set to false', () => {
    expect(
      loadConfig({ MAESTRO_TEMPORAL_SDK_METRICS: 'false' }).temporalSdkMetrics,
    ).toBeUndefined();
  });

  it('refuses a value other than true or false, naming the variable', () => {
    expect(() => loadConfig({ MAESTRO_TEMPORAL_SDK_METRICS: 'yes' })).toThrow(
      'MAESTRO_TEMPORAL_SDK_METRICS: must be true or false',
    );
  });
});
