#!/usr/bin/env bash
# Provisions what maestro needs on this machine, idempotently, caching builds outside the repo.
#   scripts/provision.sh dev          everything `npm run dev` needs
#   scripts/provision.sh integration  dev + what the unit and integration test projects need
#   scripts/provision.sh platform     what the platform test project adds, only Go builds (the
#                                     slow ones): compose's Temporal binaries, the Kubernetes
#                                     control plane, Helm; safe to run beside any other mode
#   scripts/provision.sh test         integration + platform: everything `npm test` needs
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
mode="${1:-dev}"
case "$mode" in
  dev | integration | platform | test) ;;
  *) echo "usage: $0 dev|integration|platform|test" >&2; exit 2 ;;
esac

if [ "$mode" != platform ]; then
  bash "$here/provision/node.sh"
  bash "$here/provision/temporal.sh"
  bash "$here/provision/postgres.sh"
  bash "$here/provision/redis.sh"
fi
if [ "$mode" = integration ] || [ "$mode" = test ]; then
  bash "$here/provision/compose-config.sh" # docker-compose.yml through compose-go's loader
  bash "$here/provision/nginx.sh" # TLS-terminating gRPC proxy of the Temporal TLS tests (apt)
fi
if [ "$mode" = platform ] || [ "$mode" = test ]; then
  bash "$here/provision/compose-temporal.sh" # temporal-server, temporal-sql-tool, dockerize
  bash "$here/provision/kubernetes.sh" # kube-apiserver, etcd, controller-manager, scheduler, kwok
  bash "$here/provision/helm.sh"       # lint/template of deploy/helm/maestro
fi
