#!/usr/bin/env bash
# Builds a real Kubernetes control plane for tests from Go modules (no prebuilt downloads):
#   kube-apiserver, kube-controller-manager, kube-scheduler  (k8s.io/kubernetes, see test/k8s/cluster/go.mod)
#   etcd                                                       (go.etcd.io/etcd/server/v3 from the same module graph)
#   kwok                                                       (sigs.k8s.io/kwok/cmd/kwok, go install)
# into $MAESTRO_CACHE_DIR/bin (default ~/.cache/maestro/bin). Idempotent: a rerun with everything
# built for the same versions only compares a version stamp and exits.
#
# Env:
#   MAESTRO_CACHE_DIR   cache root (default ${XDG_CACHE_HOME:-$HOME/.cache}/maestro)
#   KWOK_VERSION        kwok module version (default v0.8.0)
#   MAESTRO_K8S_FORCE=1 rebuild even if the stamp matches
set -euo pipefail

log() { echo "[provision] $*"; }
die() { echo "[provision] ERROR: $*" >&2; exit 1; }

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
MODDIR="$ROOT/test/k8s/cluster"
CACHE="${MAESTRO_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/maestro}"
BIN="$CACHE/bin"
KWOK_VERSION="${KWOK_VERSION:-v0.8.0}"

[[ -f "$MODDIR/go.mod" && -f "$MODDIR/go.sum" ]] || die "missing $MODDIR/go.mod or go.sum"

# Versions come from the committed wrapper module (no go invocation needed for the fast path).
K8S_VERSION="$(awk '$1 == "k8s.io/kubernetes" && $2 ~ /^v/ { print $2; exit }' "$MODDIR/go.mod")"
ETCD_VERSION="$(awk '$1 == "go.etcd.io/etcd/server/v3" && $2 ~ /^v/ { print $2; exit }' "$MODDIR/go.mod")"
[[ -n "$K8S_VERSION" && -n "$ETCD_VERSION" ]] || die "cannot read k8s.io/kubernetes / etcd versions from $MODDIR/go.mod"
GOSUM_HASH="$(sha256sum "$MODDIR/go.sum" | cut -c1-16)"

KUBE_BINS=(kube-apiserver kube-controller-manager kube-scheduler etcd)
KUBE_STAMP="$BIN/.k8s.stamp"
KWOK_STAMP="$BIN/.kwok.stamp"
KUBE_WANT="kubernetes=$K8S_VERSION etcd=$ETCD_VERSION gosum=$GOSUM_HASH"
KWOK_WANT="kwok=$KWOK_VERSION"

all_present() { # stamp-file wanted-content binaries...
  local stamp="$1" want="$2"; shift 2
  [[ -f "$stamp" && "$(<"$stamp")" == "$want" ]] || return 1
  local b; for b in "$@"; do [[ -x "$BIN/$b" ]] || return 1; done
}
kube_ok() { [[ "${MAESTRO_K8S_FORCE:-}" != 1 ]] && all_present "$KUBE_STAMP" "$KUBE_WANT" "${KUBE_BINS[@]}"; }
# The bare kwok binary ships no stages (kwokctl writes them into its config); without a config holding
# Stage objects it exits with "no stages found". We keep the stages of the same kwok release next to it.
KWOK_STAGES="$CACHE/share/kwok/$KWOK_VERSION/stages.yaml"
kwok_ok() { [[ "${MAESTRO_K8S_FORCE:-}" != 1 && -s "$KWOK_STAGES" ]] && all_present "$KWOK_STAMP" "$KWOK_WANT" kwok; }

if kube_ok && kwok_ok; then
  log "kubernetes $K8S_VERSION, etcd $ETCD_VERSION, kwok $KWOK_VERSION already built in $BIN"
  exit 0
fi

GO="$(command -v go || true)"
[[ -n "$GO" ]] || GO=/usr/local/go/bin/go
[[ -x "$GO" ]] || die "go not found (PATH or /usr/local/go/bin/go): install Go >= 1.26 (kwok v0.8.0 needs it; https://go.dev/dl), e.g. into /usr/local/go, to build the test Kubernetes control plane"

mkdir -p "$BIN" "$CACHE/go/cache" "$CACHE/go/mod" "$CACHE/logs"
export GOCACHE="$CACHE/go/cache" GOMODCACHE="$CACHE/go/mod" GOBIN="$BIN" CGO_ENABLED=0
# -mod=readonly: build exactly the committed go.mod/go.sum. -buildvcs=false: the wrapper module
# lives inside the project's git tree, whose state must not leak into (or break) the build.
export GOFLAGS="-mod=readonly -buildvcs=false"

# Serialise concurrent provisioners (parallel CI jobs, jest workers) on the same cache.
if command -v flock >/dev/null 2>&1; then
  exec 9>"$CACHE/.kubernetes-provision.lock"
  flock 9
  if kube_ok && kwok_ok; then log "built meanwhile by another provisioner"; exit 0; fi
fi

log "using $("$GO" version) at $GO; cache $CACHE"

if ! kube_ok; then
  minor="${K8S_VERSION#v1.}"; minor="${minor%%.*}"
  commit="$(sed -n 's/.*"Hash":"\([0-9a-f]*\)".*/\1/p' "$GOMODCACHE/cache/download/k8s.io/kubernetes/@v/$K8S_VERSION.info" 2>/dev/null || true)"
  vpkgs=(k8s.io/component-base/version k8s.io/client-go/pkg/version)
  ldflags="-s -w"
  for p in "${vpkgs[@]}"; do
    ldflags+=" -X $p.gitVersion=$K8S_VERSION -X $p.gitMajor=1 -X $p.gitMinor=$minor -X $p.gitTreeState=clean"
    [[ -n "$commit" ]] && ldflags+=" -X $p.gitCommit=$commit"
  done
  tmp="$(mktemp -d "$BIN/.build.XXXXXX")"
  trap 'rm -rf "$tmp"' EXIT
  log "building kube-apiserver, kube-controller-manager, kube-scheduler $K8S_VERSION and etcd $ETCD_VERSION (about 6 min cold on a 2-core machine here, slower elsewhere)"
  start=$SECONDS
  (cd "$MODDIR" && "$GO" build -trimpath -ldflags "$ldflags" -o "$tmp/" \
    k8s.io/kubernetes/cmd/kube-apiserver \
    k8s.io/kubernetes/cmd/kube-controller-manager \
    k8s.io/kubernetes/cmd/kube-scheduler \
    go.etcd.io/etcd/server/v3) || die "go build of the Kubernetes control plane failed (see output above)"
  # go names the main package of go.etcd.io/etcd/server/v3 after its last non-version element.
  mv "$tmp/server" "$tmp/etcd"
  for b in "${KUBE_BINS[@]}"; do mv -f "$tmp/$b" "$BIN/$b"; done
  echo "$KUBE_WANT" > "$KUBE_STAMP"
  log "built kubernetes $K8S_VERSION + etcd $ETCD_VERSION in $((SECONDS - start)) s"
fi

if ! kwok_ok; then
  log "installing kwok $KWOK_VERSION (go install sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION)"
  start=$SECONDS
  # Outside the wrapper module: kwok has its own module graph.
  (cd "$CACHE" && GOFLAGS=-buildvcs=false "$GO" install -trimpath -ldflags "-s -w" \
    "sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION") || die "go install of kwok $KWOK_VERSION failed"
  # node-initialize + node-heartbeat-with-lease (kwokctl's default when leases are on) and pod "fast"
  # stages (pending -> Running with a pod IP, complete, finish deletes), from the same module version.
  stagedir="$GOMODCACHE/sigs.k8s.io/kwok@$KWOK_VERSION/kustomize/stage"
  [[ -d "$stagedir" ]] || "$GO" mod download "sigs.k8s.io/kwok@$KWOK_VERSION"
  mkdir -p "$(dirname "$KWOK_STAGES")"
  for f in node/fast/node-initialize.yaml node/heartbeat-with-lease/node-heartbeat-with-lease.yaml \
           pod/fast/pod-ready.yaml pod/fast/pod-complete.yaml pod/fast/pod-delete.yaml; do
    [[ -f "$stagedir/$f" ]] || die "kwok stage $stagedir/$f not found"
    echo "---"; cat "$stagedir/$f"
  done > "$KWOK_STAGES.tmp"
  mv -f "$KWOK_STAGES.tmp" "$KWOK_STAGES"
  echo "$KWOK_WANT" > "$KWOK_STAMP"
  log "installed kwok $KWOK_VERSION in $((SECONDS - start)) s"
fi

log "done: ${KUBE_BINS[*]} kwok in $BIN, kwok stages in $KWOK_STAGES"
