#!/bin/sh
# Registers the Temporal namespace maestro uses, in docker-compose.yml's one-shot
# `temporal-namespace` job (temporalio/admin-tools), once the server is healthy. The `temporal` CLI
# reads the server from TEMPORAL_ADDRESS. Idempotent: an existing namespace is left as it is.
#
# It returns only once the frontend serves the namespace (a new one reaches its namespace cache
# within seconds), so what runs next (`maestro migrate`, which registers maestro's search
# attributes on it) never meets "namespace not found".
set -eu
namespace=${TEMPORAL_NAMESPACE:-default}
retention=${TEMPORAL_NAMESPACE_RETENTION:-72h}

exists() {
  temporal operator namespace describe --namespace "$namespace" >/dev/null 2>&1
}

if exists; then
  echo "temporal-namespace: $namespace already exists"
else
  # Another run may create it between the check and here: then creating fails and it exists.
  temporal operator namespace create --namespace "$namespace" --retention "$retention" || exists
  echo "temporal-namespace: $namespace created (retention $retention)"
fi

attempt=1
until temporal operator search-attribute list --namespace "$namespace" >/dev/null 2>&1; do
  if [ "$attempt" -ge "${TEMPORAL_NAMESPACE_WAIT_ATTEMPTS:-30}" ]; then
    echo "temporal-namespace: the frontend does not serve $namespace yet" >&2
    exit 1
  fi
  attempt=$((attempt + 1))
  sleep 1
done
echo "temporal-namespace: $namespace is served"
