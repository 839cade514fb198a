import type { ModuleName } from '../../config/load';
import { createActivities } from '../../../activities';
import { createHttpApp } from '../../api/shared/http-app';
import { httpApiModule } from './http-api-module';
import type { Module, ModuleDeps } from './module';
import { temporalWorkerModule } from './temporal-worker-module';

/** The composition root of each module: which adapters it gets and what it checks for readiness. */
export function createModule(name: ModuleName, deps: ModuleDeps): Module {
  const { resources, log } = deps;
  const { config, checks } = resources;
  switch (name) {
    case 'management-api':
      return httpApiModule(
        {
          name,
          server: config.managementApi,
          app: createHttpApp(log.child({ module: name })),
          checks: [checks.postgres(), checks.redis(), checks.temporal()],
        },
        deps,
      );
    case 'rooms-api':
      return httpApiModule(
        {
          name,
          server: config.roomsApi,
          app: createHttpApp(log.child({ module: name })),
          checks: [checks.redis(), checks.postgres()],
        },
        deps,
      );
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
