import type { KubernetesObject, V1Container, V1PodSpec, V1Service } from '@kubernetes/client-node';
import { execFileSync } from 'node:child_process';
import { isIPv6 } from 'node:net';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig, type Config } from '../../src/config/load';
import { workloads } from './helm-chart';

/** What a secret reference that the chart does not render (an existing Secret) holds, per variable. */
export const PLAUSIBLE_SECRET_VALUES: Readonly<Record<string, string>> = {
  MAESTRO_POSTGRES_URL: 'postgres://maestro:s3cret@db.example.com:5432/maestro?sslmode=require',
  MAESTRO_REDIS_URL: 'rediss://redis.example.com:6380/0',
  MAESTRO_REDIS_PASSWORD: 'redis-s3cret',
  MAESTRO_REDIS_SENTINEL_PASSWORD: 'sentinel-s3cret',
  MAESTRO_TEMPORAL_API_KEY: 'eyJhbGciOiJFUzI1NiJ9.temporal-api-key',
  MAESTRO_ROOM_AUTH_SECRET: 'a-room-token-secret-of-at-least-32-chars',
  MAESTRO_API_KEY_PEPPER: 'an-api-key-pepper-of-at-least-32-chars',
};

/**
 * The environment a container of `workload` gets, as the kubelet assembles it: `envFrom` and
 * `env` in order, ConfigMap and Secret references resolved from the rendered objects, and
 * references to Secrets the chart does not render (existing Secrets) given a plausible value.
 */
export function containerEnvironment(
  objects: readonly KubernetesObject[],
  container: V1Container,
): Record<string, string> {
  const data = (kind: 'ConfigMap' | 'Secret', name: string | undefined) => {
    const found = objects.find((o) => o.kind === kind && o.metadata?.name === name) as
      { data?: Record<string, string> } | undefined;
    if (!found) return undefined;
    const entries = Object.entries(found.data ?? {});
    return Object.fromEntries(
      kind === 'Secret'
        ? entries.map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')])
        : entries,
    );
  };
  const environment: Record<string, string> = {};
  for (const source of container.envFrom ?? []) {
    const ref = source.configMapRef ?? source.secretRef;
    const kind = source.configMapRef ? 'ConfigMap' : 'Secret';
    const values = ref && data(kind, ref.name);
    if (!values) throw new Error(`envFrom ${kind} ${ref?.name} is not rendered by the chart`);
    for (const [name, value] of Object.entries(values))
      environment[`${source.prefix ?? ''}${name}`] = value;
  }
  for (const variable of container.env ?? []) {
    environment[variable.name] = resolveVariable(variable, (kind, name) => data(kind, name));
  }
  return environment;
}

/**
 * The files a container sees in its Secret and ConfigMap volumes, by absolute path: from the
 * rendered objects, or for Secrets the chart does not render, `plausibleFiles` (by file name) when
 * the volume lists its items and `plausibleSecrets` (the Secret's data, by its name) when it
 * mounts the whole Secret.
 */
export function containerFiles(
  objects: readonly KubernetesObject[],
  pod: V1PodSpec,
  container: V1Container,
  plausibleFiles: Readonly<Record<string, string>>,
  plausibleSecrets: Readonly<Record<string, Readonly<Record<string, string>>>> = {},
): Record<string, string> {
  const files: Record<string, string> = {};
  for (const mount of container.volumeMounts ?? []) {
    const volume = pod.volumes?.find((v) => v.name === mount.name);
    const source = volume?.secret ?? volume?.configMap;
    if (!source) continue;
    const name = volume?.secret ? volume.secret.secretName : volume?.configMap?.name;
    const rendered = objects.find(
      (o) => o.kind === (volume?.secret ? 'Secret' : 'ConfigMap') && o.metadata?.name === name,
    ) as { data?: Record<string, string> } | undefined;
    const decode = (value: string) =>
      volume?.secret ? Buffer.from(value, 'base64').toString('utf8') : value;
    const existing = rendered ? undefined : plausibleSecrets[name ?? ''];
    const items =
      source.items ??
      Object.keys(rendered?.data ?? existing ?? {}).map((key) => ({ key, path: key }));
    for (const item of items) {
      const content = rendered
        ? rendered.data?.[item.key] !== undefined && decode(rendered.data[item.key] ?? '')
        : (existing?.[item.key] ?? plausibleFiles[path.basename(item.path)]);
      if (content === undefined || content === false)
        throw new Error(`${mount.mountPath}/${item.path}: no ${item.key} in ${name}`);
      files[path.posix.join(mount.mountPath, item.path)] = content;
    }
  }
  return files;
}

function resolveVariable(
  variable: NonNullable<V1Container['env']>[number],
  data: (
    kind: 'ConfigMap' | 'Secret',
    name: string | undefined,
  ) => Record<string, string> | undefined,
): string {
  const from = variable.valueFrom;
  if (!from) return variable.value ?? '';
  const ref = from.secretKeyRef ?? from.configMapKeyRef;
  if (ref) {
    const rendered = data(from.secretKeyRef ? 'Secret' : 'ConfigMap', ref.name);
    if (rendered) {
      const value = rendered[ref.key];
      if (value === undefined && !ref.optional)
        throw new Error(`${variable.name}: key ${ref.key} missing from ${ref.name}`);
      return value ?? '';
    }
    const plausible = PLAUSIBLE_SECRET_VALUES[variable.name];
    if (from.secretKeyRef && plausible !== undefined) return plausible;
    throw new Error(`${variable.name} refers to ${ref.name}, which the test cannot resolve`);
  }
  return 'downward-api-value';
}

/**
 * The variables the kubelet injects for `services` when a pod has service links on (as
 * pkg/kubelet/envvars does): Docker-link style, for every Service with a cluster IP.
 */
export function serviceLinkEnvironment(services: readonly V1Service[]): Record<string, string> {
  const environment: Record<string, string> = {};
  for (const service of services) {
    const ip = service.spec?.clusterIP ?? '10.96.0.10';
    const ports = service.spec?.ports ?? [];
    if (ip === 'None' || ports.length === 0) continue;
    const name = envName(service.metadata?.name ?? '');
    environment[`${name}_SERVICE_HOST`] = ip;
    environment[`${name}_SERVICE_PORT`] = String(ports[0]?.port);
    ports.forEach((port, index) => {
      if (port.name) environment[`${name}_SERVICE_PORT_${envName(port.name)}`] = String(port.port);
      const protocol = port.protocol ?? 'TCP';
      const url = `${protocol.toLowerCase()}://${isIPv6(ip) ? `[${ip}]` : ip}:${port.port}`;
      const prefix = `${name}_PORT_${port.port}_${protocol}`;
      if (index === 0) environment[`${name}_PORT`] = url;
      Object.assign(environment, {
        [prefix]: url,
        [`${prefix}_PROTO`]: protocol.toLowerCase(),
        [`${prefix}_PORT`]: String(port.port),
        [`${prefix}_ADDR`]: ip,
      });
    });
  }
  return environment;
}

const envName = (name: string) => name.toUpperCase().replace(/-/g, '_');

/** Inline credentials instead of existing Secrets: the chart's own Secrets and mounted files. */
export function inlineValues(pair: { cert: string; key: string }) {
  return {
    redis: {
      mode: 'sentinel',
      nodes: ['sentinel-0:26379', 'sentinel-1:26379'],
      sentinelMaster: 'mymaster',
      password: 'redis-pw',
      sentinelPassword: 'sentinel-pw',
    },
    temporal: { apiKey: 'an-api-key', tls: { enabled: true, ca: pair.cert, ...pair } },
    roomAuth: { secret: '0123456789abcdef0123456789abcdef', required: true },
    auth: { apiKeys: { pepper: 'an-inline-api-key-pepper-0123456789' } },
    payloadEncryption: { keys: INLINE_PAYLOAD_KEYS, activeKey: '2027-03' },
  };
}

/** Two payload keys (32 bytes each, base64) of the inline values, by id. */
export const INLINE_PAYLOAD_KEYS: Readonly<Record<string, string>> = {
  '2026-12': Buffer.alloc(32, 1).toString('base64'),
  '2027-03': Buffer.alloc(32, 2).toString('base64'),
};

/** A real certificate and its private key (openssl), usable as a CA and as an mTLS client pair. */
export function selfSignedCertificate(scratch: string): { cert: string; key: string } {
  const dir = mkdtempSync(path.join(scratch, 'pki-'));
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      path.join(dir, 'tls.key'),
      '-out',
      path.join(dir, 'tls.crt'),
      '-days',
      '1',
      '-subj',
      '/CN=maestro-helm-test',
    ],
    { stdio: 'ignore' },
  );
  const read = (file: string) => readFileSync(path.join(dir, file), 'utf8');
  return { cert: read('tls.crt'), key: read('tls.key') };
}

/**
 * Every container's environment through maestro's own configuration loader, with the files of
 * its Secret volumes written to a scratch root and the variables that name them pointed there.
 */
export function loadContainerConfigs(
  objects: readonly KubernetesObject[],
  options: {
    scratch: string;
    plausibleFiles: Readonly<Record<string, string>>;
    plausibleSecrets?: Readonly<Record<string, Readonly<Record<string, string>>>>;
    extra?: Record<string, string>;
  },
): { workload: string | undefined; config: Config }[] {
  const { scratch, plausibleFiles, plausibleSecrets, extra = {} } = options;
  return workloads(objects).flatMap((workload) =>
    workload.spec.template.spec.containers.map((container) => {
      const pod = workload.spec.template.spec;
      const files = containerFiles(objects, pod, container, plausibleFiles, plausibleSecrets);
      const isMounted = (value: string) =>
        value in files || Object.keys(files).some((file) => file.startsWith(`${value}/`));
      const root = mkdtempSync(path.join(scratch, 'root-'));
      for (const [file, content] of Object.entries(files)) {
        mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
        writeFileSync(path.join(root, file), content);
      }
      const environment = Object.fromEntries(
        Object.entries(containerEnvironment(objects, container)).map(([name, value]) => [
          name,
          isMounted(value) ? path.join(root, value) : value,
        ]),
      );
      return {
        workload: workload.metadata?.name,
        config: loadConfig({ ...extra, ...environment }),
      };
    }),
  );
}
