#!/usr/bin/env bash
# Makes sure PostgreSQL server binaries (initdb, postgres, pg_ctl) exist; maestro runs its own clusters.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

find_pg_bindir() {
  local dir
  for dir in "${MAESTRO_PG_BINDIR:-}" "$(pg_config --bindir 2>/dev/null || true)" $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -rV); do
    [ -n "$dir" ] && [ -x "$dir/initdb" ] && [ -x "$dir/postgres" ] && { echo "$dir"; return; }
  done
}

bindir=$(find_pg_bindir)
if [ -z "$bindir" ]; then
  apt_install postgresql
  bindir=$(find_pg_bindir)
  [ -n "$bindir" ] || die "PostgreSQL was installed but initdb was not found"
fi
echo "$bindir" >"$MAESTRO_BIN_DIR/.postgres-bindir"
say "postgresql: $("$bindir/postgres" --version | sed 's/^postgres //') ($bindir)"
