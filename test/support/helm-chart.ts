import {
  loadAllYaml,
  type KubernetesObject,
  type V1ObjectMeta,
  type V1PodSpec,
} from '@kubernetes/client-node';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
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
afterAll(() => rmSync(helmHome, { recursive: true, force: true }));

/** Runs the provisioned helm; rejects with helm's own error output when it exits non-zero. */
export async function helm(args: readonly string[]): Promise<string> {
  try {
    const { stdout } = await run(helmBinary(), args, {
      maxBuffer: 20 * 1024 * 1024,
      env: {
        PATH: process.env['PATH'],
        HOME: helmHome, // client-go's discovery cache (~/.kube/cache)
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
  /** `--set-string`: values taken literally (`{…}` is not a list, `3` not a number). */
  setString?: Readonly<Record<string, string>>;
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
    ...Object.entries(options.setString ?? {}).flatMap(([key, value]) => [
      '--set-string',
      `${key}=${value}`,
    ]),
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

/** The pod spec of `maestro-<module>` (a Deployment, or `migrate`: the migration Job). */
export function podOf(objects: readonly KubernetesObject[], module: string): V1PodSpec {
  const found = workloads(objects).find((w) => w.metadata?.name === `maestro-${module}`);
  if (!found) throw new Error(`no workload maestro-${module}`);
  return found.spec.template.spec;
}

/**
 * A pod's Secret volumes: name, Secret and items. Their mode is left out: the chart writes `0440`,
 * octal to Kubernetes' YAML 1.1 but decimal 440 to the YAML 1.2 parser of these tests.
 */
export const secretVolumesOf = (objects: readonly KubernetesObject[], module: string) =>
  (podOf(objects, module).volumes ?? []).flatMap((v) =>
    v.secret
      ? [
          {
            name: v.name,
            secretName: v.secret.secretName,
            items: v.secret.items?.map((i) => ({ key: i.key, path: i.path })),
          },
        ]
      : [],
  );
