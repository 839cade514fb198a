#!/usr/bin/env bash
# Builds the Temporal CLI (dev server with Web UI, SQLite) from Go modules, once.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

TEMPORAL_CLI_VERSION=v1.5.1 # newest tag that `go install` accepts (later ones carry replace directives)
stamp="$MAESTRO_BIN_DIR/.temporal-$TEMPORAL_CLI_VERSION"

if [ -x "$MAESTRO_BIN_DIR/temporal" ] && [ -f "$stamp" ]; then
  say "temporal CLI $TEMPORAL_CLI_VERSION: cached"
  exit 0
fi
go=$(find_go)
[ -n "$go" ] || die "Go is needed to build the Temporal CLI; install Go >= 1.24 (https://go.dev/dl or apt-get install golang) and run again"
say "building temporal CLI $TEMPORAL_CLI_VERSION from Go modules (a few minutes, once)"
log="$MAESTRO_CACHE_DIR/temporal-build.log"
if ! env $(go_env) "$go" install "github.com/temporalio/cli/cmd/temporal@$TEMPORAL_CLI_VERSION" >"$log" 2>&1; then
  tail -20 "$log" >&2
  die "temporal CLI build failed (full log: $log)"
fi
touch "$stamp"
say "temporal CLI $TEMPORAL_CLI_VERSION: built ($MAESTRO_BIN_DIR/temporal)"
