#!/bin/sh
# Creates or updates Temporal's PostgreSQL databases (`temporal` and `temporal_visibility`) with
# temporal-sql-tool, in docker-compose.yml's one-shot `temporal-schema` job (temporalio/admin-tools).
# Connection from SQL_PLUGIN, SQL_HOST, SQL_PORT, SQL_USER, SQL_PASSWORD (read by temporal-sql-tool).
#
# Idempotent, so it runs on every `docker compose up`: create-database accepts an existing database,
# setup-schema -v 0.0 only adds the version tables when they are missing, and update-schema applies
# the versions this Temporal release has and the database does not (an upgrade of the images is an
# upgrade of the schema). The schemas are the ones embedded in temporal-sql-tool.
set -eu

setup_database() {
  database=$1 schema=$2
  echo "temporal-schema: $database ($schema)"
  temporal-sql-tool --db "$database" create-database
  temporal-sql-tool --db "$database" setup-schema -v 0.0
  temporal-sql-tool --db "$database" update-schema --schema-name "$schema"
}

setup_database temporal postgresql/v12/temporal
setup_database temporal_visibility postgresql/v12/visibility
echo 'temporal-schema: done'
