import {
  loadAllYaml,
  type KubernetesObject,
  type V1Container,
  type V1ObjectMeta,
  type V1PodSpec,
  type V1Service,
} from '@kubernetes/client-node';
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { helmBinary } from '../../scripts/local-infra/paths';

const run = promisify(execFile);

export const CHART_DIR = path.resolve(__dirname, '../../deploy/helm/maestro');
export const PRODUCTION_VALUES = path.join(CHART_DIR, 'ci/production-values.yaml');
/** The Kubernetes version of the test cluster (docs/kubernetes-test-cluster.md). */
export const KUBE_VERSION = '1.34.4';

// helm keeps its configuration, cache and plugins here, never in the user's home.
const helmHome = mkdtempSync(path.join(tmpdir(), 'maestro-helm-'));

/** Runs the provisioned helm; rejects with helm's own error output when it exits non-zero. */
export async function helm(args: readonly string[]): Promise<string> {
  try {
    const { stdout } = await run(helmBinary(), args, {
      maxBuffer: 20 * 1024 * 1024,
      env: {
        PATH: process.env['PATH'],
        HELM_CONFIG_HOME: path.join(helmHome, 'config'),
        HELM_CACHE_HOME: path.join(helmHome, 'cache'),
        HELM_DATA_HOME: path.join(helmHome, 'data'),
      },
    });
    return stdout;
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`helm ${args.join(' ')} failed:\n${stderr}${stdout}`, { cause: error });
  }
}

export interface RenderOptions {
  release?: string;
  namespace?: string;
  valuesFiles?: readonly string[];
  set?: Readonly<Record<string, string>>;
}

/** `helm template` of the chart (hooks included), parsed into objects. */
export async function renderChart(options: RenderOptions = {}): Promise<KubernetesObject[]> {
  return loadAllYaml(await helm(templateArgs(options))).filter(
    (object): object is KubernetesObject => object !== null && typeof object === 'object',
  );
}

export function templateArgs(options: RenderOptions): string[] {
  return [
    'template',
    options.release ?? 'maestro',
    CHART_DIR,
    '--namespace',
    options.namespace ?? 'maestro',
    '--kube-version',
    KUBE_VERSION,
    ...(options.valuesFiles ?? []).flatMap((file) => ['--values', file]),
    ...Object.entries(options.set ?? {}).flatMap(([key, value]) => ['--set', `${key}=${value}`]),
  ];
}

export type Workload = KubernetesObject & {
  spec: { template: { metadata?: V1ObjectMeta; spec: V1PodSpec } };
};

export const byKind = <T extends KubernetesObject = KubernetesObject>(
  objects: readonly KubernetesObject[],
  kind: string,
) => objects.filter((object) => object.kind === kind) as T[];

export const workloads = (objects: readonly KubernetesObject[]) =>
  objects.filter((o) => o.kind === 'Deployment' || o.kind === 'Job') as Workload[];

export const isHook = (object: KubernetesObject) =>
  object.metadata?.annotations?.['helm.sh/hook'] !== undefined;

/** What a secret reference that the chart does not render (an existing Secret) holds, per variable. */
export const PLAUSIBLE_SECRET_VALUES: Readonly<Record<string, string>> = {
  MAESTRO_POSTGRES_URL: 'postgres://maestro:s3cret@db.example.com:5432/maestro?sslmode=require',
  MAESTRO_REDIS_URL: 'rediss://redis.example.com:6380/0',
  MAESTRO_REDIS_PASSWORD: 'redis-s3cret',
  MAESTRO_REDIS_SENTINEL_PASSWORD: 'sentinel-s3cret',
  MAESTRO_TEMPORAL_API_KEY: 'eyJhbGciOiJFUzI1NiJ9.temporal-api-key',
  MAESTRO_ROOM_AUTH_SECRET: 'a-room-token-secret-of-at-least-32-chars',
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
 * rendered objects, or `plausibleFiles` (by file name) for Secrets the chart does not render.
 */
export function containerFiles(
  objects: readonly KubernetesObject[],
  pod: V1PodSpec,
  container: V1Container,
  plausibleFiles: Readonly<Record<string, string>>,
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
    const items =
      source.items ?? Object.keys(rendered?.data ?? {}).map((key) => ({ key, path: key }));
    for (const item of items) {
      const content = rendered
        ? rendered.data?.[item.key] !== undefined && decode(rendered.data[item.key] ?? '')
        : plausibleFiles[path.basename(item.path)];
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
      const url = `${protocol.toLowerCase()}://${ip}:${port.port}`;
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
