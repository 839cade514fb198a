#!/usr/bin/env bash
# A real Kubernetes API for tests: etcd + kube-apiserver + kube-controller-manager + kube-scheduler
# + kwok (fake kubelets), all on 127.0.0.1, state in one directory. Binaries come from
# scripts/provision/kubernetes.sh (run it first).
#
#   kube-cluster.sh start   <state-dir>               start (or reuse a running) cluster; prints the kubeconfig path
#   kube-cluster.sh stop    <state-dir>               stop exactly the processes started for <state-dir>
#   kube-cluster.sh status  <state-dir>               exit 0 if every process runs and /readyz answers
#   kube-cluster.sh restart <state-dir> <component>   restart one of: etcd kube-apiserver
#                                                     kube-controller-manager kube-scheduler kwok
#
# Written to <state-dir>: kubeconfig (CA + bearer token), cluster.env (sourceable), cluster.json,
# logs/<component>.log, run/<component>.pid, pki/, etcd/ (data; kept across stop/start).
#
# Env:
#   MAESTRO_CACHE_DIR      cache root holding bin/ (default ${XDG_CACHE_HOME:-$HOME/.cache}/maestro)
#   KUBE_BIN_DIR           directory with the binaries (default $MAESTRO_CACHE_DIR/bin)
#   KUBE_NODE_COUNT        fake nodes to create (default 2), named kwok-node-1..N
#   KUBE_API_PORT          fixed apiserver port (default: a free port, kept for the state dir)
#   KUBE_START_TIMEOUT     seconds to wait for readiness (default 120)
#   KUBE_CLUSTER_WATCH_PID stop the cluster by itself when this process id exits (test-runner crash guard)
#   KUBE_SCHEDULER_QPS     kube-scheduler's client rate limit (--kube-api-qps; default: its own, 50)
#   KUBE_SCHEDULER_BURST   kube-scheduler's client burst (--kube-api-burst; default: its own, 100)
set -euo pipefail

COMPONENTS=(etcd kube-apiserver kube-controller-manager kube-scheduler kwok)
SERVICE_CIDR=10.96.0.0/16
POD_CIDR=10.244.0.0/16

log() { echo "[kube-cluster] $*"; }
die() { echo "[kube-cluster] ERROR: $*" >&2; exit 1; }

usage() { sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
(( $# >= 2 )) || usage
CMD="$1"
SELF="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/$(basename "${BASH_SOURCE[0]}")"
case "$CMD" in
  start) mkdir -p "$2" ;;
  stop | status | restart | _watch) [[ -d "$2" ]] || { [[ "$CMD" == stop ]] && { log "nothing to stop in $2"; exit 0; }; die "no state dir $2"; } ;;
  *) usage ;;
esac
STATE="$(cd "$2" && pwd -P)"
PKI="$STATE/pki" LOGS="$STATE/logs" RUN="$STATE/run"
KUBECONFIG_FILE="$STATE/kubeconfig"
CACHE="${MAESTRO_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/maestro}"
BIN="${KUBE_BIN_DIR:-$CACHE/bin}"
TIMEOUT="${KUBE_START_TIMEOUT:-120}"
NODE_COUNT="${KUBE_NODE_COUNT:-2}"

# ---------------------------------------------------------------- processes

# pid of <component> if it is alive and really ours (its command line names the state dir).
pid_of() {
  local f="$RUN/$1.pid" pid
  [[ -f "$f" ]] || return 1
  pid="$(<"$f")"
  [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null || return 1
  if [[ -r "/proc/$pid/cmdline" ]]; then
    tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$STATE" || return 1
  else
    ps -o args= -p "$pid" 2>/dev/null | grep -qF -- "$STATE" || return 1
  fi
  echo "$pid"
}

stop_component() { # name [grace-seconds]
  local name="$1" grace="${2:-15}" pid i
  if pid="$(pid_of "$name")"; then
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < grace * 10; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then
      log "$name (pid $pid) still running ${grace}s after SIGTERM, sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      for ((i = 0; i < 50; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    fi
  fi
  rm -f "$RUN/$name.pid"
}

spawn() { # name command...  (stdin/stdout/stderr detached so callers waiting on our output return)
  local name="$1"; shift
  echo "==== $(date -u +%FT%TZ) start: $*" >>"$LOGS/$name.log"
  "$@" </dev/null >>"$LOGS/$name.log" 2>&1 &
  echo $! >"$RUN/$name.pid"
}

# ---------------------------------------------------------------- ports

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
pick_port() { # avoid: ports already chosen in this run
  local p i
  for ((i = 0; i < 200; i++)); do
    p=$((20000 + (RANDOM * 32768 + RANDOM) % 12000)) # below the usual ephemeral range
    [[ " ${CHOSEN_PORTS:-} " == *" $p "* ]] && continue
    port_busy "$p" && continue
    CHOSEN_PORTS="${CHOSEN_PORTS:-} $p"; echo "$p"; return 0
  done
  die "no free port found"
}

load_ports() {
  ETCD_PORT="" ETCD_PEER_PORT="" API_PORT=""
  # shellcheck disable=SC1091
  [[ -f "$STATE/ports.env" ]] && source "$STATE/ports.env"
  [[ -n "${KUBE_API_PORT:-}" ]] && API_PORT="$KUBE_API_PORT"
  return 0
}
save_ports() { printf 'ETCD_PORT=%s\nETCD_PEER_PORT=%s\nAPI_PORT=%s\n' "$ETCD_PORT" "$ETCD_PEER_PORT" "$API_PORT" >"$STATE/ports.env"; }
ensure_port() { # varname: keep the saved port if free, else choose another
  local var="$1" cur="${!1}"
  if [[ -z "$cur" ]] || port_busy "$cur"; then
    [[ "$var" == API_PORT && -n "${KUBE_API_PORT:-}" ]] && die "KUBE_API_PORT=$KUBE_API_PORT is in use"
    printf -v "$var" '%s' "$(pick_port)"
  fi
  CHOSEN_PORTS="${CHOSEN_PORTS:-} ${!var}"
}

# ---------------------------------------------------------------- pki, kubeconfig

make_pki() {
  mkdir -p "$PKI" && chmod 700 "$PKI"
  [[ -s "$PKI/ca.crt" && -s "$PKI/apiserver.crt" && -s "$PKI/sa.pub" && -s "$PKI/tokens.csv" ]] && return 0
  command -v openssl >/dev/null || die "openssl not found (apt-get install -y openssl)"
  log "creating CA, serving certificate, service-account key pair and admin token in $PKI"
  (
    cd "$PKI"
    openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 3650 -sha256 \
      -subj "/CN=maestro-test-ca" -addext "basicConstraints=critical,CA:TRUE" \
      -addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature" 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -keyout apiserver.key -out apiserver.csr \
      -subj "/CN=kube-apiserver" 2>/dev/null
    printf '%s\n' "basicConstraints=CA:FALSE" "keyUsage=critical,digitalSignature,keyEncipherment" \
      "extendedKeyUsage=serverAuth" \
      "subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local,IP:10.96.0.1" \
      >apiserver.ext
    openssl x509 -req -in apiserver.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out apiserver.crt \
      -days 3650 -sha256 -extfile apiserver.ext 2>/dev/null
    openssl genrsa -out sa.key 2048 2>/dev/null
    openssl rsa -in sa.key -pubout -out sa.pub 2>/dev/null
    token="$(openssl rand -hex 24)"
    echo "$token" >token
    echo "$token,maestro-admin,maestro-admin,\"system:masters\"" >tokens.csv
    rm -f apiserver.csr apiserver.ext ca.srl
    chmod 600 ./*.key token tokens.csv
  ) || die "openssl failed"
}

write_kubeconfig() {
  local ca token
  ca="$(base64 <"$PKI/ca.crt" | tr -d '\n')"
  token="$(<"$PKI/token")"
  cat >"$KUBECONFIG_FILE.tmp" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: maestro-test
  cluster:
    server: https://127.0.0.1:$API_PORT
    certificate-authority-data: $ca
users:
- name: maestro-admin
  user:
    token: $token
contexts:
- name: maestro-test
  context:
    cluster: maestro-test
    user: maestro-admin
    namespace: default
current-context: maestro-test
EOF
  chmod 600 "$KUBECONFIG_FILE.tmp" && mv -f "$KUBECONFIG_FILE.tmp" "$KUBECONFIG_FILE"
}

write_env() {
  local token nodes
  token="$(<"$PKI/token")"
  nodes="$(for ((i = 1; i <= NODE_COUNT; i++)); do printf 'kwok-node-%d ' "$i"; done)"
  nodes="${nodes% }"
  cat >"$STATE/cluster.env" <<EOF
KUBECONFIG=$KUBECONFIG_FILE
KUBE_API_URL=https://127.0.0.1:$API_PORT
KUBE_API_PORT=$API_PORT
KUBE_TOKEN=$token
KUBE_CA_FILE=$PKI/ca.crt
KUBE_ETCD_URL=http://127.0.0.1:$ETCD_PORT
KUBE_NODES="$nodes"
EOF
  cat >"$STATE/cluster.json" <<EOF
{
  "kubeconfig": "$KUBECONFIG_FILE",
  "server": "https://127.0.0.1:$API_PORT",
  "apiPort": $API_PORT,
  "token": "$token",
  "caFile": "$PKI/ca.crt",
  "etcdUrl": "http://127.0.0.1:$ETCD_PORT",
  "nodes": [$(sed 's/\([^ ]*\)/"\1"/g; s/ /, /g' <<<"$nodes")],
  "stateDir": "$STATE"
}
EOF
  chmod 600 "$STATE/cluster.env" "$STATE/cluster.json" # they hold the admin token
}

# ---------------------------------------------------------------- api helpers (curl, no kubectl)

api() { # method path [json-body] -> prints body, returns 0 on 2xx; sets API_STATUS
  local method="$1" path="$2" body="${3:-}" out
  local args=(-sS -m 10 --cacert "$PKI/ca.crt" -H "Authorization: Bearer $(<"$PKI/token")"
    -A kube-cluster.sh -X "$method" -w '\n%{http_code}')
  [[ -n "$body" ]] && args+=(-H 'Content-Type: application/json' --data-binary "$body")
  out="$(curl "${args[@]}" "https://127.0.0.1:$API_PORT$path" 2>/dev/null)" || { API_STATUS=000; return 1; }
  API_STATUS="${out##*$'\n'}"
  printf '%s' "${out%$'\n'*}"
  [[ "$API_STATUS" == 2* ]]
}

readyz() { [[ "$(api GET /readyz 2>/dev/null)" == ok ]]; }

wait_for() { # description deadline-seconds component-to-watch command...
  local what="$1" secs="$2" comp="$3"; shift 3
  local end=$((SECONDS + secs))
  until "$@"; do
    if [[ -n "$comp" ]] && ! pid_of "$comp" >/dev/null; then
      echo "[kube-cluster] $comp exited while waiting for $what; last lines of $LOGS/$comp.log:" >&2
      tail -n 25 "$LOGS/$comp.log" >&2 || true
      return 1
    fi
    ((SECONDS < end)) || { echo "[kube-cluster] ERROR: timed out after ${secs}s waiting for $what (logs in $LOGS)" >&2; return 1; }
    sleep 0.2
  done
}

# ---------------------------------------------------------------- components

bin() { [[ -x "$BIN/$1" ]] || die "$BIN/$1 missing: run scripts/provision/kubernetes.sh first"; echo "$BIN/$1"; }

kwok_stages() {
  local v f
  v="$(sed -n 's/^kwok=//p' "$BIN/.kwok.stamp" 2>/dev/null || true)"
  f="${KWOK_STAGES:-$CACHE/share/kwok/${v:-none}/stages.yaml}"
  [[ -s "$f" ]] || die "kwok stages file $f missing: run scripts/provision/kubernetes.sh first"
  echo "$f"
}

start_etcd() {
  spawn etcd "$(bin etcd)" --name=maestro-test --data-dir="$STATE/etcd" \
    --listen-client-urls="http://127.0.0.1:$ETCD_PORT" --advertise-client-urls="http://127.0.0.1:$ETCD_PORT" \
    --listen-peer-urls="http://127.0.0.1:$ETCD_PEER_PORT" --initial-advertise-peer-urls="http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-cluster="maestro-test=http://127.0.0.1:$ETCD_PEER_PORT" \
    --unsafe-no-fsync --snapshot-count=10000 --quota-backend-bytes=$((2 * 1024 * 1024 * 1024)) --log-level=warn
  etcd_healthy() { curl -sf -m 2 "http://127.0.0.1:$ETCD_PORT/health" 2>/dev/null | grep -q '"health":"true"'; }
  wait_for "etcd on 127.0.0.1:$ETCD_PORT" 30 etcd etcd_healthy
}

start_apiserver() {
  mkdir -p "$STATE/apiserver-certs"
  spawn kube-apiserver "$(bin kube-apiserver)" \
    --etcd-servers="http://127.0.0.1:$ETCD_PORT" \
    --bind-address=127.0.0.1 --advertise-address=127.0.0.1 --secure-port="$API_PORT" \
    --cert-dir="$STATE/apiserver-certs" \
    --tls-cert-file="$PKI/apiserver.crt" --tls-private-key-file="$PKI/apiserver.key" \
    --client-ca-file="$PKI/ca.crt" \
    --token-auth-file="$PKI/tokens.csv" \
    --authorization-mode=RBAC \
    --service-account-key-file="$PKI/sa.pub" --service-account-signing-key-file="$PKI/sa.key" \
    --service-account-issuer=https://kubernetes.default.svc.cluster.local \
    --service-cluster-ip-range="$SERVICE_CIDR" \
    --endpoint-reconciler-type=none \
    --allow-privileged=true --profiling=false
  wait_for "kube-apiserver /readyz on 127.0.0.1:$API_PORT" "$TIMEOUT" kube-apiserver readyz
}

start_controller_manager() {
  spawn kube-controller-manager "$(bin kube-controller-manager)" \
    --kubeconfig="$KUBECONFIG_FILE" --leader-elect=false --secure-port=0 \
    --service-account-private-key-file="$PKI/sa.key" --root-ca-file="$PKI/ca.crt" \
    --service-cluster-ip-range="$SERVICE_CIDR" --cluster-cidr="$POD_CIDR" \
    --kube-api-qps=200 --kube-api-burst=400 --concurrent-namespace-syncs=10 \
    --node-monitor-grace-period=50s \
    --flex-volume-plugin-dir="$STATE/kcm-flexvolume" # default is /usr/libexec/kubernetes/...: created when root
}

start_scheduler() {
  # Every pod is bound by one request of kube-scheduler's, paced by its client rate limit: large
  # clusters raise it (benchmarks set these; the default is kube-scheduler's own).
  local limits=()
  [[ -n "${KUBE_SCHEDULER_QPS:-}" ]] && limits+=(--kube-api-qps="$KUBE_SCHEDULER_QPS")
  [[ -n "${KUBE_SCHEDULER_BURST:-}" ]] && limits+=(--kube-api-burst="$KUBE_SCHEDULER_BURST")
  spawn kube-scheduler "$(bin kube-scheduler)" --kubeconfig="$KUBECONFIG_FILE" --leader-elect=false --secure-port=0 \
    "${limits[@]}"
}

start_kwok() {
  mkdir -p "$STATE/kwok"
  # HOME: kwok also loads ~/.kwok/kwok.yaml when it exists; keep it to this state dir.
  spawn kwok env HOME="$STATE/kwok" "$(bin kwok)" --kubeconfig="$KUBECONFIG_FILE" --config="$(kwok_stages)" \
    --manage-all-nodes=true --cidr="$POD_CIDR" --node-lease-duration-seconds=40
}

start_component() {
  case "$1" in
    etcd) start_etcd ;;
    kube-apiserver) start_apiserver ;;
    kube-controller-manager) start_controller_manager ;;
    kube-scheduler) start_scheduler ;;
    kwok) start_kwok ;;
    *) die "unknown component $1 (one of: ${COMPONENTS[*]})" ;;
  esac
}

# ---------------------------------------------------------------- nodes

node_json() { # index
  local i="$1" name="kwok-node-$1"
  cat <<EOF
{"apiVersion":"v1","kind":"Node","metadata":{"name":"$name",
 "annotations":{"kwok.x-k8s.io/node":"fake","node.alpha.kubernetes.io/ttl":"0"},
 "labels":{"type":"kwok","kubernetes.io/hostname":"$name","kubernetes.io/os":"linux","kubernetes.io/arch":"amd64",
  "beta.kubernetes.io/os":"linux","beta.kubernetes.io/arch":"amd64","node-role.kubernetes.io/agent":"",
  "topology.kubernetes.io/zone":"zone-$(( (i - 1) % 2 + 1 ))"}},
 "spec":{"podCIDR":"10.244.$(( (i - 1) * 16 )).0/20","podCIDRs":["10.244.$(( (i - 1) * 16 )).0/20"]},
 "status":{
  "addresses":[{"type":"InternalIP","address":"127.0.1.$i"},{"type":"ExternalDNS","address":"$name.maestro.test"},
   {"type":"Hostname","address":"$name"}],
  "allocatable":{"cpu":"1000","memory":"4Ti","pods":"4000","ephemeral-storage":"10Ti"},
  "capacity":{"cpu":"1000","memory":"4Ti","pods":"4000","ephemeral-storage":"10Ti"},
  "nodeInfo":{"architecture":"amd64","operatingSystem":"linux","kubeletVersion":"fake","kubeProxyVersion":"fake",
   "containerRuntimeVersion":"kwok","kernelVersion":"kwok","osImage":"kwok","machineID":"","systemUUID":"","bootID":""}}}
EOF
}

create_nodes() {
  local i
  (( NODE_COUNT <= 16 )) || die "KUBE_NODE_COUNT must be <= 16 (one /20 pod CIDR each inside $POD_CIDR)"
  for ((i = 1; i <= NODE_COUNT; i++)); do
    api POST /api/v1/nodes "$(node_json "$i")" >/dev/null || [[ "$API_STATUS" == 409 ]] ||
      die "creating node kwok-node-$i failed (HTTP $API_STATUS)"
  done
}

nodes_ready() {
  local i body
  for ((i = 1; i <= NODE_COUNT; i++)); do
    body="$(api GET "/api/v1/nodes/kwok-node-$i")" || return 1
    [[ "$body" == *'"type":"Ready","status":"True"'* ]] || return 1
  done
}
default_sa() { api GET /api/v1/namespaces/default/serviceaccounts/default >/dev/null; }

# ---------------------------------------------------------------- commands

running_count() { local c n=0; for c in "${COMPONENTS[@]}"; do pid_of "$c" >/dev/null && n=$((n + 1)); done; echo "$n"; }

cmd_stop() {
  local c i p
  if [[ -f "$RUN/watch.pid" ]]; then
    local w; w="$(<"$RUN/watch.pid")"
    if [[ "$w" != "$$" && "$w" != "${WATCHER_SELF:-}" ]] && pid_of watch >/dev/null; then kill -TERM "$w" 2>/dev/null || true; fi
    rm -f "$RUN/watch.pid"
  fi
  # Signal everything first (reverse order), then wait: stopping takes ~1-2 s instead of ~5.
  for ((i = ${#COMPONENTS[@]} - 1; i >= 0; i--)); do
    c="${COMPONENTS[i]}"
    if p="$(pid_of "$c")"; then kill -TERM "$p" 2>/dev/null || true; fi
  done
  for ((i = ${#COMPONENTS[@]} - 1; i >= 0; i--)); do stop_component "${COMPONENTS[i]}" 15; done
  log "stopped cluster in $STATE"
}

cmd_status() {
  local c pid ok=0
  load_ports
  for c in "${COMPONENTS[@]}"; do
    if pid="$(pid_of "$c")"; then echo "$c: running (pid $pid)"; else echo "$c: stopped"; ok=1; fi
  done
  if [[ -n "$API_PORT" && -f "$PKI/token" ]] && readyz; then
    echo "kube-apiserver: ready at https://127.0.0.1:$API_PORT (kubeconfig $KUBECONFIG_FILE)"
  else
    echo "kube-apiserver: not ready"; ok=1
  fi
  return "$ok"
}

# Free ports are picked before the processes bind them: if another program (a parallel test
# cluster) took one meanwhile, pick new ports and try again. Likewise when the component died
# without writing a line: killed from outside (seen once in CI: etcd gone at once, its log empty,
# cause unknown). Anything else it said is a failure of its own, final.
start_with_port_retry() { # component port-variables...
  local comp="$1" attempt v; shift
  for attempt in 1 2 3; do
    start_component "$comp" && return 0
    stop_component "$comp" 5
    ((attempt < 3)) || return 1
    if ! tail -n 40 "$LOGS/$comp.log" | grep -q 'address already in use'; then
      [[ "$(tail -n 1 "$LOGS/$comp.log")" == "==== "*" start: "* ]] || return 1
    fi
    [[ "$comp" == kube-apiserver && -n "${KUBE_API_PORT:-}" ]] && return 1
    # a member bootstrapped with the old peer URL is of no use: start that data dir afresh
    [[ "$comp" == etcd && "${FRESH_ETCD:-}" == 1 ]] && rm -rf "$STATE/etcd"
    for v in "$@"; do printf -v "$v" '%s' "$(pick_port)"; CHOSEN_PORTS="${CHOSEN_PORTS:-} ${!v}"; done
    save_ports; write_kubeconfig
    log "$comp did not start (a port taken meanwhile, or killed without a word); retrying with $(for v in "$@"; do printf '%s=%s ' "$v" "${!v}"; done)"
  done
  return 1
}

cmd_start() {
  local t0=$SECONDS c
  command -v curl >/dev/null || die "curl not found (apt-get install -y curl)"
  for c in etcd kube-apiserver kube-controller-manager kube-scheduler kwok; do bin "$c" >/dev/null; done
  kwok_stages >/dev/null
  mkdir -p "$LOGS" "$RUN"

  local n; n="$(running_count)"
  load_ports
  if [[ "$n" == "${#COMPONENTS[@]}" ]] && [[ -f "$KUBECONFIG_FILE" ]] && readyz; then
    write_env
    log "already running: https://127.0.0.1:$API_PORT, kubeconfig $KUBECONFIG_FILE"
    return 0
  fi
  if [[ "$n" != 0 ]]; then log "partially running ($n/${#COMPONENTS[@]}), restarting"; cmd_stop; fi

  make_pki
  FRESH_ETCD=0; [[ -d "$STATE/etcd" ]] || FRESH_ETCD=1
  ensure_port ETCD_PORT; ensure_port ETCD_PEER_PORT; ensure_port API_PORT
  save_ports
  write_kubeconfig

  log "starting etcd on 127.0.0.1:$ETCD_PORT"
  start_with_port_retry etcd ETCD_PORT ETCD_PEER_PORT || { cmd_stop; die "etcd did not start"; }
  log "starting kube-apiserver on https://127.0.0.1:$API_PORT"
  start_with_port_retry kube-apiserver API_PORT || { cmd_stop; die "kube-apiserver did not become ready"; }
  log "starting kube-controller-manager, kube-scheduler, kwok"
  start_controller_manager; start_scheduler; start_kwok
  create_nodes
  wait_for "$NODE_COUNT kwok nodes Ready" "$TIMEOUT" kwok nodes_ready || { cmd_stop; die "nodes did not become Ready"; }
  wait_for "default service account (controller-manager)" "$TIMEOUT" kube-controller-manager default_sa ||
    { cmd_stop; die "kube-controller-manager did not create the default service account"; }
  for c in kube-scheduler kwok; do pid_of "$c" >/dev/null || { tail -n 20 "$LOGS/$c.log" >&2; cmd_stop; die "$c exited"; }; done
  write_env

  if [[ -n "${KUBE_CLUSTER_WATCH_PID:-}" ]]; then
    "$SELF" _watch "$STATE" "$KUBE_CLUSTER_WATCH_PID" </dev/null >>"$LOGS/watch.log" 2>&1 &
    echo $! >"$RUN/watch.pid"
  fi
  log "ready in $((SECONDS - t0)) s: https://127.0.0.1:$API_PORT, $NODE_COUNT nodes, kubeconfig $KUBECONFIG_FILE"
}

cmd_restart() {
  local c="${1:-}"
  [[ " ${COMPONENTS[*]} " == *" $c "* ]] || die "restart needs a component: ${COMPONENTS[*]}"
  load_ports
  [[ -n "$API_PORT" && -f "$KUBECONFIG_FILE" ]] || die "cluster in $STATE was never started"
  local t0=$SECONDS
  # kube-apiserver's graceful shutdown waits up to --request-timeout (60 s) for open watch streams
  # of the other components; a test restart does not need that.
  local grace=15; [[ "$c" == kube-apiserver ]] && grace=3
  stop_component "$c" "$grace"
  start_component "$c"
  [[ "$c" == etcd ]] && { wait_for "kube-apiserver after etcd restart" "$TIMEOUT" kube-apiserver readyz || die "apiserver not ready"; }
  log "restarted $c in $((SECONDS - t0)) s"
}

cmd_watch() { # internal: stop the cluster when <pid> exits
  local pid="$1"
  while kill -0 "$pid" 2>/dev/null; do sleep 2; done
  log "watched process $pid exited: stopping cluster"
  WATCHER_SELF=$$ cmd_stop
}

case "$CMD" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  restart) cmd_restart "${3:-}" ;;
  _watch) cmd_watch "${3:?pid}" ;;
esac
