#!/usr/bin/env bash
# Makes sure redis-server exists; maestro runs its own instances.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

command -v redis-server >/dev/null 2>&1 || apt_install redis-server
command -v redis-server >/dev/null 2>&1 || die "redis-server not found after install"
say "redis: $(redis-server --version | awk '{print $3}' | sed 's/v=//') ($(command -v redis-server))"
