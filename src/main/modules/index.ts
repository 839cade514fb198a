import type { Logger } from 'pino';
import type { ModuleName } from '../../config/load';
import { createActivities } from '../../../activities';
import { buildManagementGrpcServer } from '../../api/management/grpc-server';
import { buildManagementHttpApp } from '../../api/management/http-routes';
import type { ManagementApiDeps } from '../../api/management/management-service';
import { RuntimeRoomCounts } from '../../adapters/runtime/runtime-room-counts';
import { OperationCommands } from '../../app/operation-commands';
import { SchedulerCommands } from '../../app/scheduler-commands';
import { SchedulerQueries } from '../../app/scheduler-queries';
import { httpApiModule } from './http-api-module';
import { roomsApiModule } from './rooms-api-module';
import type { Module, ModuleDeps } from './module';
import type { Resources } from '../infra/resources';
import { temporalWorkerModule } from './temporal-worker-module';

/** The composition root of each module: which adapters it gets and what it checks for readiness. */
export function createModule(name: ModuleName, deps: ModuleDeps): Module {
  const { resources, log } = deps;
  const { config, checks } = resources;
  switch (name) {
    case 'management-api': {
      const api = managementApiDeps(resources, log.child({ module: name }));
      return httpApiModule(
        {
          name,
          server: config.managementApi,
          app: buildManagementHttpApp(api),
          grpc: { server: buildManagementGrpcServer(api), address: config.managementApiGrpc },
          checks: [checks.postgres(), checks.redis(), checks.temporal()],
        },
        deps,
      );
    }
    case 'rooms-api':
      return roomsApiModule(deps);
    case 'worker':
      return temporalWorkerModule(
        {
          name,
          taskQueue: config.temporal.taskQueues.operations,
          activities: createActivities({
            schedulers: resources.schedulerStore(),
            runtime: resources.runtime(),
            ports: resources.portAllocator(),
          }),
          checks: [checks.postgres(), checks.redis()],
        },
        deps,
      );
    case 'runtime-watcher':
      return temporalWorkerModule(
        {
          name,
          taskQueue: config.temporal.taskQueues.runtimeWatcher,
          activities: {},
          checks: [checks.redis()],
        },
        deps,
      );
    case 'metrics-reporter':
      return temporalWorkerModule(
        {
          name,
          taskQueue: config.temporal.taskQueues.metrics,
          activities: {},
          checks: [checks.redis()],
        },
        deps,
      );
  }
}

/** The Management API's use cases on the process's shared connections. */
function managementApiDeps(resources: Resources, log: Logger): ManagementApiDeps {
  const schedulers = resources.schedulerStore();
  const operations = resources.operationQueue();
  return {
    schedulerCommands: new SchedulerCommands({ schedulers, operations }),
    schedulerQueries: new SchedulerQueries(schedulers),
    operationCommands: new OperationCommands(operations),
    roomCounts: new RuntimeRoomCounts(resources.runtime()),
    log,
  };
}
