#!/usr/bin/env bash
# Builds test/compose/temporal (temporal-server, temporal-sql-tool and dockerize, at the version of
# docker-compose.yml's temporalio/server image) so the tests can run the compose stack's Temporal
# chain without Docker: schema job, env-templated server config, server, namespace job.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

src="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../test/compose/temporal" && pwd)"
stamp="$MAESTRO_BIN_DIR/.compose-temporal-$(cat "$src/go.mod" "$src/go.sum" | sha256sum | cut -c1-16)"
if [ -f "$stamp" ] && [ -x "$MAESTRO_BIN_DIR/temporal-server" ] &&
  [ -x "$MAESTRO_BIN_DIR/temporal-sql-tool" ] && [ -x "$MAESTRO_BIN_DIR/dockerize" ]; then
  say "compose Temporal tools: cached"
  exit 0
fi
go=$(find_go)
[ -n "$go" ] || die "Go is needed to build test/compose/temporal; install Go >= 1.25 and run again"
say "building temporal-server, temporal-sql-tool and dockerize from Go modules (a few minutes, once)"
build() { (cd "$src" && env $(go_env) "$go" build -trimpath -o "$MAESTRO_BIN_DIR/$1" "$2"); }
build temporal-server go.temporal.io/server/cmd/server || die "temporal-server build failed"
build temporal-sql-tool go.temporal.io/server/cmd/tools/sql || die "temporal-sql-tool build failed"
build dockerize github.com/jwilder/dockerize || die "dockerize build failed"
rm -f "$MAESTRO_BIN_DIR"/.compose-temporal-*
touch "$stamp"
say "compose Temporal tools: built"
