#!/usr/bin/env bash
# Installs the npm dependencies when node_modules is missing or older than the lockfile.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

marker=node_modules/.package-lock.json
if [ -f "$marker" ] && [ "$marker" -nt package-lock.json ] && [ -f dist/workflow-bundle.js ] && [ -f dist/workflow-bundle-traced.js ]; then
  say "node dependencies: up to date"
  exit 0
fi
say "installing node dependencies (npm ci)"
npm ci --no-audit --no-fund --loglevel=error
