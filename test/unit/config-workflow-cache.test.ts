import { ConfigError, loadConfig } from '../../src/config/load';

describe('MAESTRO_WORKFLOW_CACHE_SIZE', () => {
  it('keeps 250 workflows per Temporal worker unless set', () => {
    expect(loadConfig({}).workflowCacheSize).toBe(250);
  });

  it('takes the size it is given', () => {
    expect(loadConfig({ MAESTRO_WORKFLOW_CACHE_SIZE: '2000' }).workflowCacheSize).toBe(2_000);
  });

  it.each([
    ['1', 'must be at least 2'],
    ['0', 'must be at least 2'],
    ['100001', 'must be at most 100000'],
    ['12.5', 'must be an integer'],
    ['many', 'must be an integer'],
  ])('refuses %s: %s', (value, message) => {
    const load = () => loadConfig({ MAESTRO_WORKFLOW_CACHE_SIZE: value });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(`MAESTRO_WORKFLOW_CACHE_SIZE: ${message}`);
  });
});
