import { Worker, type InjectedSinks, type NativeConnection } from '@temporalio/worker';
import { TemporalRefusalError } from '../../adapters/temporal/connection-diagnosis';
import { dataConverterOf } from '../../adapters/temporal/payload-data-converter';
import { sleep } from '../../shared/sleep';
import type { ModuleName } from '../../config/load';
import type { OperationMetricsSinks } from '../../../workflows/operation-metrics-sink';
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
  /**
   * How long a workflow task waits on this worker's sticky queue before any worker may take it
   * (the SDK's default is 10 s): after this worker dies, that long for each of its workflows'
   * next tasks. A live worker too busy to take it in time costs a replay elsewhere.
   */
  stickyQueueScheduleToStartTimeoutMs?: number;
  /** Releases what the activities hold, after the worker drained. */
  close?: () => void;
  /** Where the workflows' sinks (their metrics) lead. */
  sinks?: InjectedSinks<OperationMetricsSinks>;
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

  // The same converter as every client's: payloads are sealed when keys are configured.
  const dataConverter = dataConverterOf(resources.config.temporal.payloadEncryption);
  // Tracing: activity interceptors and the workflow interceptors' span sink (traced bundle).
  const tracing = resources.tracing?.workerOptions();
  const createWorker = async (connection: NativeConnection): Promise<Worker> => {
    const created = await Worker.create({
      ...(dataConverter && { dataConverter }),
      ...(tracing && { interceptors: tracing.interceptors }),
      // One sinks object: the workflows' span exporter (tracing on) beside their metrics.
      sinks: { ...tracing?.sinks, ...options.sinks },
      connection,
      namespace: resources.config.temporal.namespace,
      taskQueue: options.taskQueue,
      workflowBundle: await resources.workflowBundle(),
      activities: options.activities,
      shutdownGraceTime: SHUTDOWN_GRACE_MS,
      // Workflow cache: sized by MAESTRO_WORKFLOW_CACHE_SIZE, not by the SDK's default (which
      // follows the host's memory). Fewer in-flight workflow tasks than cached workflows, as the
      // SDK requires.
      maxCachedWorkflows: resources.config.workflowCacheSize,
      maxConcurrentWorkflowTaskExecutions: Math.min(
        WORKFLOW_TASK_SLOTS,
        resources.config.workflowCacheSize,
      ),
      ...(options.maxHeartbeatThrottleIntervalMs !== undefined && {
        maxHeartbeatThrottleInterval: options.maxHeartbeatThrottleIntervalMs,
      }),
      ...(options.maxConcurrentActivityTaskExecutions !== undefined && {
        maxConcurrentActivityTaskExecutions: options.maxConcurrentActivityTaskExecutions,
      }),
      ...(options.stickyQueueScheduleToStartTimeoutMs !== undefined && {
        stickyQueueScheduleToStartTimeout: options.stickyQueueScheduleToStartTimeoutMs,
      }),
    });
    worker = created;
    // A rotated client certificate: the worker continues on the new connection, no drain.
    stopFollowing();
    stopFollowing = resources
      .temporalWorkerConnection()
      .onReplaced((next) => (created.connection = next));
    return created;
  };

  /** A new worker after `RESTART_DELAY_MS`, until one is created or the process stops. */
  const recreateWorker = async (): Promise<Worker | undefined> => {
    for (;;) {
      await sleep(RESTART_DELAY_MS, resources.shutdownSignal);
      if (resources.shutdownSignal.aborted) return undefined;
      try {
        const created = await createWorker(await resources.temporalWorkerConnection().renew());
        log.info('temporal worker polling again');
        return created;
      } catch (error) {
        log.warn({ err: error }, 'temporal worker not recreated yet');
      }
    }
  };

  /** Why the server refuses our credentials right now, if it does. */
  const refusal = (): Promise<string | undefined> =>
    resources
      .temporalWorkerConnection()
      .ping()
      .then(
        () => undefined,
        (error: unknown) => (error instanceof TemporalRefusalError ? error.message : undefined),
      );

  /**
   * Runs the worker. When it fails while the server refuses our credentials (a revoked
   * certificate or API key: the core gives up polling after a minute of refusals), a new worker
   * on a fresh connection is made in-process once the server accepts us again: restarting the
   * process would not help, and /readyz says why meanwhile. Any other failure ends the process.
   */
  const supervise = async (first: Worker): Promise<void> => {
    for (let current: Worker | undefined = first; current;) {
      const failure = await runUntilFailed(current);
      if (!failure) return;
      const reason = resources.shutdownSignal.aborted ? undefined : await refusal();
      if (!reason) {
        log.error({ err: failure }, 'temporal worker failed');
        return deps.fail(failure);
      }
      log.error({ err: failure, reason }, 'temporal refused the worker, recreating it in-process');
      stopFollowing(); // the failed worker stays on its connection
      current = await recreateWorker();
    }
  };

  return {
    name: options.name,
    checks: [temporalCheck, workerCheck, ...options.checks],
    async start() {
      const connection = await resources.temporalWorkerConnection().connect();
      if (resources.shutdownSignal.aborted) return;
      running = supervise(await createWorker(connection));
      log.info('temporal worker polling');
    },
    async stop() {
      if (worker && running) {
        const draining = worker;
        if (draining.getState() === 'RUNNING') draining.shutdown();
        // Past the grace time every activity was told to stop: still draining then is worth a
        // line saying what is left (the process's shutdown timeout ends it otherwise unexplained).
        const slow = setTimeout(
          () => log.warn({ status: drainStatus(draining) }, 'temporal worker still draining'),
          SHUTDOWN_GRACE_MS + DRAIN_WARNING_AFTER_GRACE_MS,
        );
        try {
          await running;
        } finally {
          clearTimeout(slow);
        }
        stopFollowing();
        log.info('temporal worker drained');
      }
      options.close?.();
    },
  };
}

const RESTART_DELAY_MS = 5_000;

/** In-flight activities get this long to finish once the worker stops; then they are cancelled. */
const SHUTDOWN_GRACE_MS = 10_000;
/** A drain still going this long after the grace time is logged with what is left. */
const DRAIN_WARNING_AFTER_GRACE_MS = 5_000;

/** What a draining worker still holds, for the log. */
function drainStatus(worker: Worker) {
  const status = worker.getStatus();
  return {
    state: status.runState,
    activities: status.numInFlightNonLocalActivities,
    localActivities: status.numInFlightLocalActivities,
    heartbeatingActivities: status.numHeartbeatingActivities,
    workflowActivations: status.numInFlightWorkflowActivations,
    cachedWorkflows: status.numCachedWorkflows,
  };
}

/** Workflow tasks a worker runs at once: the SDK's default (40), within the cache. */
const WORKFLOW_TASK_SLOTS = 40;

/**
 * Runs `worker` until it stops (undefined) or fails (the error). A failed worker's run() may
 * not settle for long (its native side waits for calls that no longer come), so its FAILED
 * state counts as the failure.
 */
async function runUntilFailed(worker: Worker): Promise<Error | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const failed = new Promise<Error>((resolve) => {
    timer = setInterval(() => {
      if (worker.getState() === 'FAILED') resolve(new Error('temporal worker failed'));
    }, 1_000);
  });
  const ran = worker.run().then(
    () => undefined,
    (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
  );
  try {
    return await Promise.race([ran, failed]);
  } finally {
    clearInterval(timer);
  }
}
