#!/usr/bin/env node
'use strict';
// Build step: bundles the compiled workflow code once, so workers start without running webpack:
// workflow-bundle.js, and workflow-bundle-traced.js with the OpenTelemetry workflow interceptors
// (used when tracing is on; src/adapters/temporal/workflow-bundle.ts).
const path = require('node:path');
const fs = require('node:fs');
const { bundleWorkflowCode } = require('@temporalio/worker');

const dist = path.join(__dirname, '..', 'dist');
const workflowsPath = path.join(dist, 'workflows', 'index.js');
const tracingInterceptors = path.join(dist, 'workflows', 'tracing-interceptors.js');
// Keeps a sealed failure sealed when a workflow fails with it (workflows/failure-converter.ts).
const failureConverterPath = path.join(dist, 'workflows', 'failure-converter.js');

async function write(file, options) {
  const { code } = await bundleWorkflowCode({ workflowsPath, failureConverterPath, ...options });
  fs.writeFileSync(path.join(dist, file), code);
  console.log(`${file} written (${(code.length / 1024).toFixed(0)} KiB)`);
}

write('workflow-bundle.js', {})
  .then(() =>
    write('workflow-bundle-traced.js', { workflowInterceptorModules: [tracingInterceptors] }),
  )
  .catch((error) => {
    console.error(error);
    process.exit(1);
  });
