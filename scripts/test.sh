#!/usr/bin/env bash
# `npm test`: provisions what the tests need, then runs every test.
#
# Without arguments it runs in two phases, so that a fresh machine's slowest builds (the Kubernetes
# control plane, Helm, compose's Temporal: `provision.sh platform`, Go builds only) overlap
# everything that does not need them: they start first, at the lowest CPU priority, and go on
# while the rest is provisioned and the unit and integration projects run; then the platform
# project runs. Both phases always run; the exit status is non-zero when either failed or the
# platform tools could not be built.
#
# With arguments (`npm test -- test/unit/foo.test.ts`, `npm test -- --selectProjects unit`) it
# provisions everything, then runs `jest` with them.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [ $# -gt 0 ]; then
  bash scripts/provision.sh test
  exec npx jest "$@"
fi

logs="${MAESTRO_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/maestro}/logs"
mkdir -p "$logs"
platform_log="$logs/provision-platform.log"
echo "[test] provisioning the platform tools in the background (log: $platform_log)"
nice -n 19 bash scripts/provision.sh platform >"$platform_log" 2>&1 &
provisioner=$!
trap 'kill "$provisioner" 2>/dev/null || true' EXIT

bash scripts/provision.sh integration

failed=0
npx jest --selectProjects unit integration || failed=1

echo "[test] waiting for the platform tools: $(tail -1 "$platform_log")"
if ! wait "$provisioner"; then
  cat "$platform_log" >&2
  echo "[test] provisioning the platform tools failed (log above): the platform project did not run" >&2
  exit 1
fi
cat "$platform_log"
npx jest --selectProjects platform || failed=1
exit "$failed"
