#!/usr/bin/env bash
# Builds test/compose (compose-go's loader, what `docker compose config` runs) to validate
# docker-compose.yml in the tests: these machines have no Docker engine or compose plugin.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

src="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../test/compose" && pwd)"
stamp="$MAESTRO_BIN_DIR/.compose-config-$(cat "$src/go.sum" "$src/main.go" | sha256sum | cut -c1-16)"
if [ -x "$MAESTRO_BIN_DIR/compose-config" ] && [ -f "$stamp" ]; then
  say "compose-config: cached"
  exit 0
fi
go=$(find_go)
[ -n "$go" ] || die "Go is needed to build test/compose; install Go >= 1.24 and run again"
say "building compose-config (compose-go loader) from Go modules"
(cd "$src" && env $(go_env) "$go" build -trimpath -o "$MAESTRO_BIN_DIR/compose-config" .) ||
  die "compose-config build failed"
rm -f "$MAESTRO_BIN_DIR"/.compose-config-*
touch "$stamp"
say "compose-config: built"
