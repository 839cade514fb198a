#!/usr/bin/env bash
# Makes sure nginx exists: the tests run their own instance as a TLS-terminating gRPC proxy in
# front of the Temporal dev server (mTLS, API key). The system service is neither used nor started.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

find_nginx() { command -v nginx 2>/dev/null || { [ -x /usr/sbin/nginx ] && echo /usr/sbin/nginx; } || true; }

# Debian's postinst starts the nginx service on port 80 unless policy-rc.d forbids it; forbid it
# for this install only (when no policy is in place already).
install_without_starting() {
  local policy=/usr/sbin/policy-rc.d
  if is_root && [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 755 "$policy"
    trap 'rm -f "$policy"' EXIT
  fi
  apt_install nginx
}

[ -n "$(find_nginx)" ] || install_without_starting
bin=$(find_nginx)
[ -n "$bin" ] || die "nginx not found after install"
"$bin" -V 2>&1 | grep -q -- '--with-http_v2_module' || die "$bin lacks the HTTP/2 module (grpc_pass needs it)"
echo "$bin" >"$MAESTRO_BIN_DIR/.nginx-path"
say "nginx: $("$bin" -v 2>&1 | sed 's/^nginx version: //') ($bin)"
