import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync } from 'node:fs';
import { rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode, type WorkflowBundleOption } from '@temporalio/worker';
import type { Logger } from 'pino';
import { maestroCacheDir } from '../../shared/cache-dir';
import { toTemporalLogger } from './runtime';

const ROOT = path.resolve(__dirname, '../../..');
/** Written by `npm run build` next to the compiled code (dist/), without and with tracing. */
const PREBUILT_BUNDLES = {
  plain: path.join(ROOT, 'workflow-bundle.js'),
  traced: path.join(ROOT, 'workflow-bundle-traced.js'),
};
/**
 * The OpenTelemetry workflow interceptors a traced bundle includes (workflows/tracing-interceptors):
 * they make spans of the workflow's run, its signals, activities and child workflows, and carry
 * the trace in their headers. Only bundled when tracing is on: without them, no spans at all.
 */
export const TRACING_WORKFLOW_INTERCEPTORS =
  require.resolve('../../../workflows/tracing-interceptors');
const WORKFLOWS_ENTRY = require.resolve('../../../workflows');
/** The bundle's failure converter: keeps a sealed failure sealed (workflows/failure-converter). */
export const WORKFLOW_FAILURE_CONVERTER = require.resolve('../../../workflows/failure-converter');
/** What a bundle made from the sources is made of: the code and the locked dependencies. */
const BUNDLE_INPUTS = ['src', 'workflows', 'package.json', 'package-lock.json'];
/** Bundles of other source states kept beside the newest (several checkouts, branches). */
const KEPT_BUNDLES = 8;

/**
 * The workflow code every maestro worker runs (`isTraced`: with the OpenTelemetry workflow
 * interceptors): the bundle prebuilt by `npm run build` when running
 * from dist/, otherwise a bundle of the sources (development, tests). Bundling takes seconds of
 * CPU, so a bundle of the sources is kept in `workflow-bundles/` of maestro's cache directory
 * (`MAESTRO_CACHE_DIR`, default `~/.cache/maestro`), named by a hash of the sources, the lock file
 * and the checkout's path: every later worker started from the same sources (a restart of
 * `npm run dev`, each test file's worker) loads it instead.
 */
export async function loadWorkflowBundle(
  log: Logger,
  { isTraced = false }: { isTraced?: boolean } = {},
): Promise<WorkflowBundleOption> {
  const prebuilt = isTraced ? PREBUILT_BUNDLES.traced : PREBUILT_BUNDLES.plain;
  if (existsSync(prebuilt)) {
    log.debug({ path: prebuilt }, 'using prebuilt workflow bundle');
    return { codePath: prebuilt };
  }
  const cached = path.join(bundleCacheDir(), `${sourcesDigest()}${isTraced ? '-traced' : ''}.js`);
  if (existsSync(cached)) {
    log.debug({ path: cached }, 'using cached workflow bundle');
    return { codePath: cached };
  }
  log.info({ entry: WORKFLOWS_ENTRY, isTraced }, 'bundling workflow code');
  const { code } = await bundleWorkflowCode({
    workflowsPath: WORKFLOWS_ENTRY,
    failureConverterPath: WORKFLOW_FAILURE_CONVERTER,
    ...(isTraced && { workflowInterceptorModules: [TRACING_WORKFLOW_INTERCEPTORS] }),
    logger: toTemporalLogger(log.child({ component: 'workflow-bundler' })),
  });
  storeBundle(cached, code, log);
  return { code };
}

function bundleCacheDir(): string {
  return path.join(maestroCacheDir(), 'workflow-bundles');
}

/** sha256 over the checkout's path and every input file's path and contents, in a fixed order. */
function sourcesDigest(): string {
  const hash = createHash('sha256').update(ROOT);
  for (const file of BUNDLE_INPUTS.flatMap((input) => filesUnder(path.join(ROOT, input)))) {
    hash.update(path.relative(ROOT, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex').slice(0, 32);
}

function filesUnder(entry: string): string[] {
  if (!existsSync(entry)) return [];
  if (!statSync(entry).isDirectory()) return [entry];
  return readdirSync(entry, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .flatMap((child) => filesUnder(path.join(entry, child.name)));
}

/**
 * Written to a temporary name and renamed, so a concurrent reader sees a whole bundle or none.
 * A cache that cannot be written only costs the next worker a bundling of its own.
 */
function storeBundle(target: string, code: string, log: Logger): void {
  try {
    mkdirSync(path.dirname(target), { recursive: true });
    const partial = `${target}.${process.pid}.partial`;
    writeFileSync(partial, code);
    renameSync(partial, target);
    pruneBundles(path.dirname(target));
  } catch (error) {
    log.warn({ err: error, path: target }, 'workflow bundle not cached');
  }
}

function pruneBundles(dir: string): void {
  const bundles = readdirSync(dir)
    .filter((name) => name.endsWith('.js'))
    .map((name) => ({
      file: path.join(dir, name),
      mtimeMs: statSync(path.join(dir, name)).mtimeMs,
    }))
    .sort((a, b) => b.mtimeMs - a.mtimeMs);
  for (const stale of bundles.slice(KEPT_BUNDLES)) rmSync(stale.file, { force: true });
}
