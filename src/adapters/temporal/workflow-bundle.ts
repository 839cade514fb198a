import { existsSync } from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode, type WorkflowBundleOption } from '@temporalio/worker';
import type { Logger } from 'pino';
import { toTemporalLogger } from './runtime';

/** Written by `npm run build` next to the compiled code (dist/). */
const PREBUILT_BUNDLE = path.resolve(__dirname, '../../../workflow-bundle.js');
const WORKFLOWS_ENTRY = require.resolve('../../../workflows');

/**
 * The workflow code every maestro worker runs: the bundle prebuilt by `npm run build` when running
 * from dist/, otherwise a bundle made now from the sources (development, tests).
 */
export async function loadWorkflowBundle(log: Logger): Promise<WorkflowBundleOption> {
  if (existsSync(PREBUILT_BUNDLE)) {
    log.debug({ path: PREBUILT_BUNDLE }, 'using prebuilt workflow bundle');
    return { codePath: PREBUILT_BUNDLE };
  }
  log.info({ entry: WORKFLOWS_ENTRY }, 'bundling workflow code');
  return bundleWorkflowCode({
    workflowsPath: WORKFLOWS_ENTRY,
    logger: toTemporalLogger(log.child({ component: 'workflow-bundler' })),
  });
}
