import type { KubernetesObject, V1Service } from '@kubernetes/client-node';
import { MODULE_NAMES } from '../../src/config/load';
import { byKind, podOf, renderChart, secretVolumesOf } from '../support/helm-chart';
import { containerEnvironment } from '../support/helm-chart-environment';

const API_MODULES = ['management-api', 'rooms-api'];

const environmentOf = (objects: KubernetesObject[], module: string) =>
  containerEnvironment(objects, podOf(objects, module).containers[0]!);

describe("the helm chart's TLS on the APIs (apiTls)", () => {
  it('serves TLS on the two APIs from a mounted kubernetes.io/tls Secret while probes and metrics stay plain on the internal port', async () => {
    const objects = await renderChart({
      set: { 'apiTls.mutual': 'true', 'apiTls.reloadIntervalMs': '5000' },
      setString: { 'apiTls.existingSecret': 'maestro-api-tls' },
    });

    for (const module of MODULE_NAMES) {
      const pod = podOf(objects, module);
      const container = pod.containers[0]!;
      const tlsVariables = Object.entries(environmentOf(objects, module)).filter(([name]) =>
        name.startsWith('MAESTRO_TLS_'),
      );
      if (API_MODULES.includes(module)) {
        expect(Object.fromEntries(tlsVariables)).toEqual({
          MAESTRO_TLS_CERT_FILE: '/etc/maestro/api-tls/tls.crt',
          MAESTRO_TLS_KEY_FILE: '/etc/maestro/api-tls/tls.key',
          MAESTRO_TLS_CLIENT_CA_FILE: '/etc/maestro/api-tls/ca.crt',
          MAESTRO_TLS_RELOAD_INTERVAL_MS: '5000',
        });
        expect(secretVolumesOf(objects, module)).toContainEqual({
          name: 'api-tls',
          secretName: 'maestro-api-tls',
          items: ['tls.crt', 'tls.key', 'ca.crt'].map((key) => ({ key, path: key })),
        });
        expect(container.volumeMounts).toContainEqual({
          name: 'api-tls',
          mountPath: '/etc/maestro/api-tls',
          readOnly: true,
        });
      } else {
        expect(tlsVariables).toEqual([]);
        expect(pod.volumes?.map((v) => v.name)).not.toContain('api-tls');
      }
      for (const probe of [
        container.startupProbe,
        container.livenessProbe,
        container.readinessProbe,
      ])
        expect(probe?.httpGet).toMatchObject({ port: 'internal' });
      for (const probe of [
        container.startupProbe,
        container.livenessProbe,
        container.readinessProbe,
      ])
        expect(probe?.httpGet?.scheme ?? 'HTTP').toBe('HTTP');
    }
    const appProtocols = Object.fromEntries(
      byKind<V1Service>(objects, 'Service').flatMap((service) =>
        (service.spec?.ports ?? []).map((p) => [
          `${service.metadata?.name}/${p.name}`,
          p.appProtocol,
        ]),
      ),
    );
    expect(appProtocols).toMatchObject({
      'maestro-management-api/http': 'https',
      'maestro-management-api/grpc': 'grpc',
      'maestro-rooms-api/http': 'https',
      'maestro-rooms-api-metrics/metrics': 'http',
    });
  });

  it('asks no client certificate when apiTls.mutual is off', async () => {
    const objects = await renderChart({
      setString: { 'apiTls.existingSecret': 'maestro-api-tls' },
    });

    const environment = environmentOf(objects, 'rooms-api');
    const items = podOf(objects, 'rooms-api').volumes?.find((v) => v.name === 'api-tls')?.secret
      ?.items;

    expect(environment).not.toHaveProperty('MAESTRO_TLS_CLIENT_CA_FILE');
    expect(items?.map((i) => i.key)).toEqual(['tls.crt', 'tls.key']);
  });
});
