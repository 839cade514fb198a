#!/usr/bin/env bash
# Makes sure the Redis binaries exist; maestro runs its own instances (one server for dev and the
# tests; the test suites also start a 3-master Redis Cluster and a master/replica with three
# sentinels on loopback).
#   redis-server  the server, and also the sentinel (`redis-server sentinel.conf --sentinel`, which is
#                 all Debian's redis-sentinel package adds, besides a system service we do not want)
#   redis-cli     `redis-cli --cluster create` forms the test cluster (Debian: redis-tools, a
#                 dependency of redis-server, so normally already there)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

command -v redis-server >/dev/null 2>&1 || apt_install redis-server
command -v redis-cli >/dev/null 2>&1 || apt_install redis-tools
command -v redis-server >/dev/null 2>&1 || die "redis-server not found after install"
command -v redis-cli >/dev/null 2>&1 || die "redis-cli not found after install"
version="$(redis-server --version | awk '{print $3}' | sed 's/v=//')"
# The test cluster sets each node's bus port (`--cluster-port`), which exists since Redis 7.0.
[ "${version%%.*}" -ge 7 ] ||
  say "warning: redis $version: maestro runs on it, but the Redis Cluster test suites need Redis 7 or later"
say "redis: $version ($(command -v redis-server)), redis-cli $(redis-cli --version | awk '{print $2}')"
