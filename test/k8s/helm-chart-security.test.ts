import type { KubernetesObject, V1Secret } from '@kubernetes/client-node';
import { MODULE_NAMES } from '../../src/config/load';
import { byKind, podOf, renderChart, secretVolumesOf, workloads } from '../support/helm-chart';
import { containerEnvironment } from '../support/helm-chart-environment';

const KEY_A = Buffer.alloc(32, 1).toString('base64');
const KEY_B = Buffer.alloc(32, 2).toString('base64');

const environmentOf = (objects: KubernetesObject[], module: string) =>
  containerEnvironment(objects, podOf(objects, module).containers[0]!);
const secretData = (objects: KubernetesObject[], name: string) => {
  const secret = byKind<V1Secret>(objects, 'Secret').find((s) => s.metadata?.name === name);
  return (
    secret &&
    Object.fromEntries(
      Object.entries(secret.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString()]),
    )
  );
};
const secretRefOf = (objects: KubernetesObject[], module: string, variable: string) =>
  podOf(objects, module).containers[0]?.env?.find((e) => e.name === variable)?.valueFrom
    ?.secretKeyRef;

describe('the security values of the helm chart', () => {
  it('gives every module the access control and rate limit variables of its values', async () => {
    const objects = await renderChart({
      set: {
        'auth.required': 'true',
        'auth.matchmakerRequired': 'true',
        'auth.oidc.algorithms': '{RS256,EdDSA}',
        'auth.oidc.clockToleranceSeconds': '5',
        'auth.oidc.jwksCooldownMs': '60000',
        'auth.oidc.jwksCacheMaxAgeMs': '3000000',
        'auth.apiKeys.cacheTtlMs': '0',
        'rateLimits.mutations.perMinute': '120',
        'rateLimits.mutations.burst': '20',
        'rateLimits.allocations.perMinute': '6000',
        'rateLimits.allocations.burst': '500',
      },
      setString: {
        'auth.oidc.issuer': 'https://id.example.com/realms/games',
        'auth.oidc.audience': 'maestro',
        'auth.oidc.jwksUrl': 'https://id.example.com/certs',
        'auth.oidc.rolesClaim': 'realm_access.roles',
      },
    });

    for (const module of MODULE_NAMES) {
      expect(environmentOf(objects, module)).toMatchObject({
        MAESTRO_AUTH_REQUIRED: 'true',
        MAESTRO_MATCHMAKER_AUTH_REQUIRED: 'true',
        MAESTRO_OIDC_ISSUER: 'https://id.example.com/realms/games',
        MAESTRO_OIDC_AUDIENCE: 'maestro',
        MAESTRO_OIDC_JWKS_URL: 'https://id.example.com/certs',
        MAESTRO_OIDC_ROLES_CLAIM: 'realm_access.roles',
        MAESTRO_OIDC_ALGORITHMS: 'RS256,EdDSA',
        MAESTRO_OIDC_CLOCK_TOLERANCE_SECONDS: '5',
        MAESTRO_OIDC_JWKS_COOLDOWN_MS: '60000',
        MAESTRO_OIDC_JWKS_CACHE_MAX_AGE_MS: '3000000',
        MAESTRO_API_KEY_CACHE_TTL_MS: '0',
        MAESTRO_RATE_LIMIT_MUTATIONS_PER_MINUTE: '120',
        MAESTRO_RATE_LIMIT_MUTATIONS_BURST: '20',
        MAESTRO_RATE_LIMIT_ALLOCATIONS_PER_MINUTE: '6000',
        MAESTRO_RATE_LIMIT_ALLOCATIONS_BURST: '500',
      });
    }
  });

  it('leaves access control off and OpenID Connect unset with the default values', async () => {
    const environment = environmentOf(await renderChart({}), 'management-api');

    expect(
      Object.keys(environment).filter((name) =>
        /^MAESTRO_(AUTH_REQUIRED|MATCHMAKER_AUTH_REQUIRED|OIDC_|PAYLOAD_|TLS_)/.test(name),
      ),
    ).toEqual([]);
  });

  it("stores an inline API key pepper in the chart's Secret, or reads it from an existing one", async () => {
    const pepper = 'an-api-key-pepper-of-at-least-32-chars';
    const [inline, existing] = await Promise.all([
      renderChart({ setString: { 'auth.apiKeys.pepper': pepper } }),
      renderChart({
        setString: {
          'auth.apiKeys.pepper': pepper,
          'auth.apiKeys.existingSecret': 'maestro-peppers',
          'auth.apiKeys.existingSecretKey': 'pepper',
        },
      }),
    ]);

    expect(secretData(inline, 'maestro')?.['api-key-pepper']).toBe(pepper);
    expect(secretData(existing, 'maestro')).not.toHaveProperty('api-key-pepper');
    for (const module of MODULE_NAMES) {
      expect(secretRefOf(inline, module, 'MAESTRO_API_KEY_PEPPER')).toEqual({
        name: 'maestro',
        key: 'api-key-pepper',
      });
      expect(secretRefOf(existing, module, 'MAESTRO_API_KEY_PEPPER')).toEqual({
        name: 'maestro-peppers',
        key: 'pepper',
      });
    }
  });

  it('mounts every secret read-only for the owner and group (0440), in every pod', async () => {
    const objects = await renderChart({
      set: { 'temporal.tls.enabled': 'true' },
      setString: {
        'payloadEncryption.existingSecret': 'payload-keys',
        'payloadEncryption.activeKey': 'k1',
        'apiTls.existingSecret': 'api-tls',
        'temporal.tls.existingSecret': 'temporal-tls',
      },
    });

    const modes = [...MODULE_NAMES, 'migrate'].flatMap((pod) =>
      (podOf(objects, pod).volumes ?? [])
        .filter((volume) => volume.secret)
        .map((volume) => [pod, volume.name, volume.secret!.defaultMode]),
    );
    expect(modes.map(([, name]) => name)).toEqual(
      expect.arrayContaining(['temporal-tls', 'payload-keys', 'api-tls']),
    );
    expect(modes.filter(([, , mode]) => mode !== 0o440)).toEqual([]);
  });

  it('mounts the payload keys of an existing Secret as a directory on every module, not on the migration Job', async () => {
    const objects = await renderChart({
      setString: {
        'payloadEncryption.existingSecret': 'payload-keys',
        'payloadEncryption.activeKey': '2027-03',
        'payloadEncryption.codecCorsOrigins[0]': 'https://temporal.example.com',
        'payloadEncryption.codecCorsOrigins[1]': 'http://127.0.0.1:8233',
      },
    });

    for (const module of MODULE_NAMES) {
      const pod = podOf(objects, module);
      expect(secretVolumesOf(objects, module)).toContainEqual({
        name: 'payload-keys',
        secretName: 'payload-keys',
        items: undefined,
      });
      // A directory, never subPath: new keys in the Secret reach the pod's files.
      expect(pod.containers[0]?.volumeMounts).toContainEqual({
        name: 'payload-keys',
        mountPath: '/etc/maestro/payload-keys',
        readOnly: true,
      });
      expect(environmentOf(objects, module)).toMatchObject({
        MAESTRO_PAYLOAD_KEYS_DIR: '/etc/maestro/payload-keys',
        MAESTRO_PAYLOAD_ACTIVE_KEY: '2027-03',
        MAESTRO_CODEC_CORS_ORIGINS: 'https://temporal.example.com,http://127.0.0.1:8233',
      });
      expect(environmentOf(objects, module)).not.toHaveProperty('MAESTRO_PAYLOAD_KEYS');
    }
    expect(podOf(objects, 'migrate').volumes?.map((v) => v.name)).not.toContain('payload-keys');
  });

  it("keeps inline payload keys in a Secret of the chart's own, mounted the same way, and rolls the pods when they change", async () => {
    const keys = (second: string) => ({
      'payloadEncryption.keys.2026-12': KEY_A,
      'payloadEncryption.keys.2027-03': second,
      'payloadEncryption.activeKey': '2027-03',
    });
    const [objects, rotated, overridden] = await Promise.all([
      renderChart({ setString: keys(KEY_B) }),
      renderChart({ setString: keys(KEY_A) }),
      renderChart({ setString: { ...keys(KEY_B), 'payloadEncryption.existingSecret': 'theirs' } }),
    ]);
    const checksum = (o: KubernetesObject[]) =>
      workloads(o)[0]?.spec.template.metadata?.annotations?.['checksum/secret'];

    expect(secretData(objects, 'maestro-payload-keys')).toEqual({
      '2026-12': KEY_A,
      '2027-03': KEY_B,
    });
    expect(secretVolumesOf(objects, 'worker')).toContainEqual({
      name: 'payload-keys',
      secretName: 'maestro-payload-keys',
      items: undefined,
    });
    expect(checksum(rotated)).not.toBe(checksum(objects));
    expect(secretData(overridden, 'maestro-payload-keys')).toBeUndefined();
    expect(secretVolumesOf(overridden, 'worker')).toContainEqual({
      name: 'payload-keys',
      secretName: 'theirs',
      items: undefined,
    });
  });
});
