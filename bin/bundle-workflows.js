#!/usr/bin/env node
'use strict';
// Build step: bundles the compiled workflow code once, so workers start without running webpack.
const path = require('node:path');
const fs = require('node:fs');
const { bundleWorkflowCode } = require('@temporalio/worker');

const dist = path.join(__dirname, '..', 'dist');
bundleWorkflowCode({ workflowsPath: path.join(dist, 'workflows', 'index.js') }).then(
  ({ code }) => {
    fs.writeFileSync(path.join(dist, 'workflow-bundle.js'), code);
    console.log(`workflow bundle written (${(code.length / 1024).toFixed(0)} KiB)`);
  },
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
