//go:build tools

// Package tools pins what docker-compose.yml's Temporal services run, to run the same chain without
// Docker in test/integration/compose-temporal.test.ts: temporal-sql-tool (the temporal-schema job),
// temporal-server (the temporalio/server image) and dockerize, which that image's entrypoint uses to
// render config_template.yaml from the environment. Keep go.temporal.io/server at the image
// version in docker-compose.yml. scripts/provision/compose-temporal.sh builds the three commands.
package tools

import (
	_ "github.com/jwilder/dockerize"
	_ "go.temporal.io/server/cmd/server"
	_ "go.temporal.io/server/cmd/tools/sql"
)
