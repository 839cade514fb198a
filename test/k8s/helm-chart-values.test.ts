import { helm, templateArgs } from '../support/helm-chart';

describe('helm chart values', () => {
  it.each([
    ['a replica count that is not a number', { 'modules.roomsApi.replicas': 'many' }, 'replicas'],
    ['an unknown value', { replicaCount: '3' }, 'replicaCount'],
    [
      'a secret in the ConfigMap',
      { 'config.MAESTRO_POSTGRES_URL': 'postgres://x' },
      'MAESTRO_POSTGRES_URL',
    ],
    ['a setting without the MAESTRO_ prefix', { 'config.LOG_LEVEL': 'debug' }, 'LOG_LEVEL'],
    ['Redis Cluster without nodes', { 'redis.mode': 'cluster' }, 'nodes'],
    ['an unknown Redis mode', { 'redis.mode': 'ring' }, 'mode'],
    [
      'a hash tag in the key prefix of Redis Cluster',
      { 'redis.mode': 'cluster', 'redis.nodes[0]': 'redis-0:6379', 'redis.keyPrefix': '{maestro}' },
      'keyPrefix',
    ],
    ['a short room token secret', { 'roomAuth.secret': 'short' }, 'secret'],
  ])('refuses %s before rendering (values.schema.json)', async (_, setString, named) => {
    const rendering = helm(templateArgs({ setString }));

    await expect(rendering).rejects.toThrow(/schema/i);
    await expect(rendering).rejects.toThrow(named);
  });

  it.each([
    [
      'TLS client certificate without its key',
      { 'temporal.tls.enabled': 'true', 'temporal.tls.cert': 'PEM' },
      /cert and key go together/,
    ],
    [
      'a Redis password twice',
      { 'redis.url': 'redis://:pw@redis:6379/0', 'redis.password': 'pw' },
      /keep one/,
    ],
    [
      'room tokens required without a secret',
      { 'roomAuth.required': 'true' },
      /roomAuth.required needs/,
    ],
  ])('fails the render on %s', async (_, set, message) => {
    await expect(helm(templateArgs({ set }))).rejects.toThrow(message);
  });

  it('fails the render when the grace period does not outlast preStop plus the shutdown timeout', async () => {
    const rendering = helm(
      templateArgs({ set: { 'modules.worker.terminationGracePeriodSeconds': '30' } }),
    );

    await expect(rendering).rejects.toThrow(/terminationGracePeriodSeconds \(30\) must exceed/);
  });
});
