import { Worker } from '@temporalio/worker';
import type { ModuleName } from '../../config/load';
import type { ReadinessCheck } from '../infra/readiness';
import type { Module, ModuleDeps } from './module';

export interface TemporalWorkerModuleOptions {
  name: ModuleName;
  taskQueue: string;
  activities: object;
  /** Dependencies of the activities, checked by /readyz besides Temporal itself. */
  checks: readonly ReadinessCheck[];
  /**
   * Upper bound between two heartbeats the worker sends for an activity (they are billed): the
   * supervisors' long-running activities send one per 80% of their heartbeat timeout.
   */
  maxHeartbeatThrottleIntervalMs?: number;
  /** Activities this worker runs at once (the SDK's default is 100). */
  maxConcurrentActivityTaskExecutions?: number;
  /** Releases what the activities hold, after the worker drained. */
  close?: () => void;
}

/**
 * A module whose job is a Temporal worker polling one task queue. Stopping drains it: no new tasks
 * are polled and in-flight activities get the worker's grace time to finish.
 */
export function temporalWorkerModule(
  options: TemporalWorkerModuleOptions,
  deps: ModuleDeps,
): Module {
  const { resources } = deps;
  const log = deps.log.child({ module: options.name, taskQueue: options.taskQueue });
  let worker: Worker | undefined;
  let running: Promise<void> | undefined;
  let stopFollowing: () => void = () => undefined;

  const workerCheck: ReadinessCheck = {
    name: 'temporal-worker',
    check: () => {
      const state = worker?.getState() ?? 'STARTING';
      return state === 'RUNNING'
        ? Promise.resolve()
        : Promise.reject(new Error(`worker is ${state.toLowerCase()}`));
    },
  };
  const temporalCheck: ReadinessCheck = {
    name: 'temporal',
    check: () => resources.temporalWorkerConnection().ping(),
  };

  return {
    name: options.name,
    checks: [temporalCheck, workerCheck, ...options.checks],
    async start() {
      const temporal = resources.temporalWorkerConnection();
      const connection = await temporal.connect();
      if (resources.shutdownSignal.aborted) return;
      const created = await Worker.create({
        connection,
        namespace: resources.config.temporal.namespace,
        taskQueue: options.taskQueue,
        workflowBundle: await resources.workflowBundle(),
        activities: options.activities,
        shutdownGraceTime: '10s',
        ...(options.maxHeartbeatThrottleIntervalMs !== undefined && {
          maxHeartbeatThrottleInterval: options.maxHeartbeatThrottleIntervalMs,
        }),
        ...(options.maxConcurrentActivityTaskExecutions !== undefined && {
          maxConcurrentActivityTaskExecutions: options.maxConcurrentActivityTaskExecutions,
        }),
      });
      worker = created;
      // A rotated client certificate: the worker continues on the new connection, no drain.
      stopFollowing = temporal.onReplaced((next) => (created.connection = next));
      running = worker.run().catch((error: unknown) => {
        log.error({ err: error }, 'temporal worker failed');
        deps.fail(error);
      });
      log.info('temporal worker polling');
    },
    async stop() {
      if (worker && running) {
        if (worker.getState() === 'RUNNING') worker.shutdown();
        await running;
        stopFollowing();
        log.info('temporal worker drained');
      }
      options.close?.();
    },
  };
}
