#!/usr/bin/env bash
# Builds Helm (the CLI the chart tests run: lint, template) from Go modules, once.
#   MAESTRO_HELM_FORCE=1  rebuild even if the stamp matches
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

HELM_VERSION=v4.3.2
stamp="$MAESTRO_BIN_DIR/.helm-$HELM_VERSION"
helm_ok() { [ "${MAESTRO_HELM_FORCE:-}" != 1 ] && [ -x "$MAESTRO_BIN_DIR/helm" ] && [ -f "$stamp" ]; }

if helm_ok; then
  say "helm $HELM_VERSION: cached"
  exit 0
fi
go=$(find_go)
[ -n "$go" ] || die "Go is needed to build Helm; install Go >= 1.25 (https://go.dev/dl) and run again"

# Serialise concurrent provisioners (parallel CI jobs, several worktrees) on the same cache.
if command -v flock >/dev/null 2>&1; then
  exec 9>"$MAESTRO_CACHE_DIR/.helm-provision.lock"
  flock 9
  if helm_ok; then
    say "helm $HELM_VERSION: built meanwhile by another provisioner"
    exit 0
  fi
fi

say "building helm $HELM_VERSION from Go modules (about 3 minutes on 2 cores, once)"
log="$MAESTRO_CACHE_DIR/helm-build.log"
start=$SECONDS
# Without the release ldflags `helm version` prints only the major.minor; set the full version.
ldflags="-s -w -X helm.sh/helm/v4/internal/version.version=$HELM_VERSION -X helm.sh/helm/v4/internal/version.gitTreeState=clean"
# Build into a temporary GOBIN and move into place, so an interrupted build never leaves a helm
# binary that the stamp check would take for a finished one.
tmp=$(mktemp -d "$MAESTRO_BIN_DIR/.helm-build.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
# Outside any module (a `go install pkg@version` ignores the current one, but keep it explicit).
if ! (cd "$MAESTRO_CACHE_DIR" && env $(go_env) GOBIN="$tmp" "$go" install -trimpath -ldflags "$ldflags" \
  "helm.sh/helm/v4/cmd/helm@$HELM_VERSION") >"$log" 2>&1; then
  tail -20 "$log" >&2
  die "helm build failed (full log: $log)"
fi
mv -f "$tmp/helm" "$MAESTRO_BIN_DIR/helm"
rm -f "$MAESTRO_BIN_DIR"/.helm-v*
touch "$stamp"
say "helm $HELM_VERSION: built in $((SECONDS - start)) s ($MAESTRO_BIN_DIR/helm)"
