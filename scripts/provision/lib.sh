# Shared helpers of the provisioning scripts (sourced, not run).
# Everything built or downloaded lives outside the repository, under $MAESTRO_CACHE_DIR.

MAESTRO_CACHE_DIR="${MAESTRO_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/maestro}"
MAESTRO_BIN_DIR="$MAESTRO_CACHE_DIR/bin"
export MAESTRO_CACHE_DIR MAESTRO_BIN_DIR
mkdir -p "$MAESTRO_BIN_DIR"

say() { printf '[provision] %s\n' "$*"; }
die() { printf '[provision] error: %s\n' "$*" >&2; exit 1; }

is_root() { [ "$(id -u)" = 0 ]; }

# find_go: prints the go binary, or nothing.
find_go() {
  command -v go 2>/dev/null || { [ -x /usr/local/go/bin/go ] && echo /usr/local/go/bin/go; } || true
}

# go_env: the environment under which every Go build runs, so caches survive between runs.
go_env() {
  echo "GOBIN=$MAESTRO_BIN_DIR GOCACHE=$MAESTRO_CACHE_DIR/go/cache GOMODCACHE=$MAESTRO_CACHE_DIR/go/mod CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS=-modcacherw"
}

# apt_install PACKAGE...: installs Debian packages when root; otherwise explains what to install.
apt_install() {
  if ! is_root || ! command -v apt-get >/dev/null 2>&1; then
    die "missing $*; install it (Debian: sudo apt-get install -y $*) and run again"
  fi
  say "installing $* with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y --no-install-recommends "$@" >"$MAESTRO_CACHE_DIR/apt.log" 2>&1; then
    say "refreshing apt package lists"
    apt-get update >>"$MAESTRO_CACHE_DIR/apt.log" 2>&1 || die "apt-get update failed (see $MAESTRO_CACHE_DIR/apt.log)"
    apt-get install -y --no-install-recommends "$@" >>"$MAESTRO_CACHE_DIR/apt.log" 2>&1 ||
      die "apt-get install $* failed (see $MAESTRO_CACHE_DIR/apt.log)"
  fi
}
