import { helm, templateArgs } from '../support/helm-chart';

/** A valid payload key: 32 bytes in base64. */
const KEY = Buffer.alloc(32, 1).toString('base64');

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
    ...[
      'MAESTRO_AUTH_REQUIRED',
      'MAESTRO_OIDC_ISSUER',
      'MAESTRO_API_KEY_PEPPER',
      'MAESTRO_PAYLOAD_KEYS',
      'MAESTRO_PAYLOAD_ACTIVE_KEY',
      'MAESTRO_TLS_CERT_FILE',
      'MAESTRO_RATE_LIMIT_ALLOCATIONS_PER_MINUTE',
    ].map((name): [string, Record<string, string>, string] => [
      `${name}, which a security value owns, in the ConfigMap`,
      { [`config.${name}`]: 'x' },
      name,
    ]),
    ['a short API key pepper', { 'auth.apiKeys.pepper': 'short' }, 'pepper'],
    ['a symmetric token algorithm', { 'auth.oidc.algorithms[0]': 'HS256' }, 'algorithms'],
    [
      'a JWKS fetched in clear over the network',
      { 'auth.oidc.jwksUrl': 'http://id.example.com/certs' },
      'jwksUrl',
    ],
    [
      'a payload key that is not 32 bytes in base64',
      { 'payloadEncryption.keys.k1': 'c2hvcnQ=' },
      'k1',
    ],
    [
      'a payload key id the keys directory would skip (a dot file)',
      { 'payloadEncryption.keys.\\.hidden': KEY },
      'hidden',
    ],
    [
      'a codec CORS origin with a path',
      { 'payloadEncryption.codecCorsOrigins[0]': 'https://ui.example.com/namespaces' },
      'codecCorsOrigins',
    ],
    ['a TLS reload interval under 100 ms', { 'apiTls.reloadIntervalMs': '10' }, 'reloadIntervalMs'],
    ['a rate limit burst of 0', { 'rateLimits.mutations.burst': '0' }, 'burst'],
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
    [
      'an OpenID Connect issuer without its audience and JWKS',
      { 'auth.oidc.issuer': 'https://id.example.com' },
      /issuer, audience and jwksUrl go together/,
    ],
    [
      'an active payload key that is none of the keys',
      { 'payloadEncryption.keys.a': KEY, 'payloadEncryption.activeKey': 'b' },
      /activeKey "b" is none of payloadEncryption.keys/,
    ],
    [
      'an active payload key without any key',
      { 'payloadEncryption.activeKey': 'b' },
      /activeKey "b" is none of payloadEncryption.keys/,
    ],
    [
      'several payload keys and none active',
      { 'payloadEncryption.keys.a': KEY, 'payloadEncryption.keys.b': KEY },
      /activeKey must name the key that encrypts/,
    ],
    [
      'cleartext HTTP/2 as the gRPC appProtocol of APIs serving TLS',
      { 'apiTls.existingSecret': 'api-tls', 'service.grpcAppProtocol': 'kubernetes.io/h2c' },
      /kubernetes.io\/h2c is cleartext HTTP\/2/,
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

  it('refuses mTLS on the APIs without their TLS Secret before rendering (values.schema.json)', async () => {
    const rendering = helm(templateArgs({ set: { 'apiTls.mutual': 'true' } }));

    await expect(rendering).rejects.toThrow(/schema/i);
    await expect(rendering).rejects.toThrow(/apiTls\/existingSecret/);
  });
});
