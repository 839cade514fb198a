/**
 * What idle schedulers cost (issues #6, #14): 250, then 500, then 1,000 idle schedulers (local
 * runtime, no rooms, the default health-controller interval) served by maestro processes of the built
 * package on the benchmark's own Temporal, PostgreSQL and Redis, in two layouts, each on a fresh
 * stack: one `maestro start <module>` process per module (worker, runtime-watcher,
 * metrics-reporter), then one `maestro start all`. At each size, after a warm-up: the processes'
 * resident memory (median and peak over the window, and the growth over their baseline with no
 * scheduler), their CPU, and the Temporal actions per minute: as the server meters them
 * (heartbeats included), and as counted in every workflow history (scheduler workflows,
 * supervisors, operations) next to the heartbeat estimate; the supervisors' hourly activity
 * rotation is added by calculation. At the largest size, when the fleet is larger than the workflow
 * cache (MAESTRO_WORKFLOW_CACHE_SIZE), what an eviction costs (workflow-cache.ts).
 * Target: the worker process ≤ 1 GB RSS at 1,000.
 * Run: npm run bench:idle-schedulers (builds first). On a loaded machine, smaller steps and windows:
 * BENCH_SIZES=1000 BENCH_LAYOUTS=perModule BENCH_WARMUP_MS=60000 BENCH_WINDOW_MS=120000.
 */
import { temporal } from '@temporalio/proto';
import { loadConfig } from '../../src/config/load';
import type { ModuleName } from '../../src/config/load';
import {
  mainThreadMemoryOf,
  rssBytes,
  sampleRss,
  workerThreadsHeapOf,
  startMaestro,
  type MaestroProcess,
} from '../support/maestro-process';
import { commandLine, machineInfo, round, setting, sleep, writeResult } from '../support/results';
import { benchScheduler, startStack } from '../support/stack';
import { measureEviction } from './workflow-cache';
import {
  countActions,
  heartbeatsPerHour,
  listRuns,
  meteredActions,
  meteredBetween,
  SUPERVISOR_ROTATIONS_PER_HOUR,
} from '../support/temporal-actions';

const SIZES = (process.env['BENCH_SIZES'] ?? '250,500,1000').split(',').map(Number);
const WARMUP_MS = setting('BENCH_WARMUP_MS', 90_000);
/** A multiple of the heartbeat throttle (240 s at the default timeout): every supervisor beats once. */
const WINDOW_MS = setting('BENCH_WINDOW_MS', 240_000);
const BASELINE_MS = setting('BENCH_BASELINE_MS', 30_000);
/** Schedulers created at once. */
const CREATE_BATCH = setting('BENCH_CREATE_BATCH', 10);
/** How the modules are deployed: one process each, or all of them in one (`maestro start all`). */
const LAYOUTS: Record<string, ReadonlyArray<ModuleName | 'all'>> = {
  perModule: ['worker', 'runtime-watcher', 'metrics-reporter'],
  all: ['all'],
};
const CHOSEN_LAYOUTS = (process.env['BENCH_LAYOUTS'] ?? 'perModule,all').split(',');
const DEFAULT_CONFIG = loadConfig({});
const DEFAULTS = DEFAULT_CONFIG.operations;
const HEALTH_INTERVAL_MS = setting('BENCH_HEALTH_INTERVAL_MS', DEFAULTS.healthControllerIntervalMs);
/** Each maestro process's workflow cache, per Temporal worker (MAESTRO_WORKFLOW_CACHE_SIZE). */
const CACHE_SIZE = setting('BENCH_WORKFLOW_CACHE_SIZE', DEFAULT_CONFIG.workflowCacheSize);
const SUPERVISOR_TYPES = ['runtimeWatcherWorkflow', 'metricsReporterWorkflow'];
const ActivityState = temporal.api.enums.v1.PendingActivityState;
const MB = 2 ** 20;

type Stack = Awaited<ReturnType<typeof startStack>>;

async function main() {
  const machine = machineInfo();
  const layouts: Record<string, unknown> = {};
  for (const layout of CHOSEN_LAYOUTS) layouts[layout] = await runLayout(LAYOUTS[layout]!);
  writeResult(process.env['BENCH_RESULT'] ?? 'idle-schedulers', {
    benchmark: 'idle schedulers: maestro memory and Temporal actions',
    command: 'npm run bench:idle-schedulers',
    exactCommand: commandLine(),
    machine,
    setup: {
      runtime: 'local',
      roomsPerScheduler: 0,
      healthControllerIntervalMs: HEALTH_INTERVAL_MS,
      supervisionHeartbeatTimeoutMs: DEFAULTS.supervisionHeartbeatTimeoutMs,
      workflowCacheSize: CACHE_SIZE,
      sizes: SIZES,
      warmupMs: WARMUP_MS,
      windowMs: WINDOW_MS,
    },
    layouts,
    target: { workerRssMbAt1000: 1024 },
  });
}

/** A fresh stack and maestro processes, then each size in turn (schedulers are only added). */
async function runLayout(targets: ReadonlyArray<ModuleName | 'all'>) {
  const stack = await startStack({
    healthControllerIntervalMs: HEALTH_INTERVAL_MS,
    modules: [],
    env: {
      MAESTRO_WORKFLOW_CACHE_SIZE: String(CACHE_SIZE),
      // Creating a thousand schedulers on a loaded machine: the dev server may be slow to answer.
      MAESTRO_TEMPORAL_CALL_TIMEOUT_MS: '30000',
    },
  });
  const processes: MaestroProcess[] = [];
  try {
    for (const target of targets) processes.push(await startMaestro(target, stack.environment));
    const baseline = await sampleRss(processes, BASELINE_MS);
    const steps = [];
    for (const size of SIZES) {
      const createdIn = await createSchedulers(stack, size);
      await sleep(WARMUP_MS);
      steps.push({
        schedulers: size,
        createdInSeconds: createdIn,
        ...(await measure(stack, processes, size)),
      });
      console.log(JSON.stringify(steps.at(-1)));
    }
    const worker = processes.find((p) => p.module === 'worker' || p.module === 'all')!;
    // The steps are kept when the eviction measurement fails (a loaded machine's timeouts).
    const eviction = await measureEviction(
      stack.client,
      worker,
      Array.from({ length: SIZES.at(-1)! }, (_, i) => nameOf(i)),
      CACHE_SIZE,
      steps.at(-1)?.cpuSecondsPerSecond[worker.module] ?? 0,
    ).catch((error: unknown) => ({ failed: String(error) }));
    console.log(JSON.stringify({ eviction }));
    return {
      processes: targets.map((target) => `node bin/maestro.js start ${target}`),
      baselineRssMb: baseline,
      steps,
      growthPerSchedulerMb: growth(baseline.median['total']!, steps),
      eviction,
    };
  } finally {
    for (const child of processes) await child.stop();
    await stack.stop();
  }
}

/** Creates schedulers up to `size` (CREATE_BATCH at a time) and waits until every one is in sync. */
async function createSchedulers(stack: Stack, size: number): Promise<number> {
  const startedAt = Date.now();
  const existing = (await stack.schedulers.listSchedulers()).length;
  const names = Array.from({ length: size - existing }, (_, i) => nameOf(existing + i));
  for (let i = 0; i < names.length; i += CREATE_BATCH) {
    await Promise.all(
      names
        .slice(i, i + CREATE_BATCH)
        .map((name) => stack.commands.createScheduler(benchScheduler(name))),
    );
  }
  for (;;) {
    const all = await stack.schedulers.listSchedulers();
    if (all.filter((s) => s.state === 'in-sync').length === size) break;
    await sleep(1_000);
  }
  return round((Date.now() - startedAt) / 1000, 1);
}

/** One measurement window: memory sampled, CPU and Temporal actions over the window. */
async function measure(stack: Stack, processes: readonly MaestroProcess[], size: number) {
  const cpuBefore = processes.map((p) => p.cpuSeconds());
  const meteredBefore = await meteredActions(stack.temporalPid);
  const window = { from: new Date(), to: new Date(Date.now() + WINDOW_MS) };
  const rss = await sampleRss(processes, WINDOW_MS);
  const mainThread = await mainThreadMemoryOf(processes);
  const workerThreads = await workerThreadsHeapOf(processes);
  const metered = meteredBetween(meteredBefore, await meteredActions(stack.temporalPid));
  const seconds = WINDOW_MS / 1000;
  const cpu = Object.fromEntries(
    processes.map((p, i) => [p.module, round((p.cpuSeconds() - cpuBefore[i]!) / seconds, 3)]),
  );
  const counts = await countActions(stack.client, await listRuns(stack.client), window);
  const minutes = WINDOW_MS / 60_000;
  const meteredTotal = Object.values(metered).reduce((a, b) => a + b, 0) / minutes;
  const rotations = (size * SUPERVISOR_ROTATIONS_PER_HOUR) / 60;
  return {
    supervisors: await supervisorStates(stack),
    rssMb: rss,
    mainThreadMemoryMbAtEnd: mainThread,
    workflowThreadHeapMbAtEnd: workerThreads,
    outsideMainHeapMb: outsideMainHeap(rss.median, mainThread),
    cpuSecondsPerSecond: cpu,
    temporalServerRssMb: round(rssBytes(stack.temporalPid) / MB, 1),
    temporalActionsPerMinute: {
      meteredByServer: round(meteredTotal, 1),
      meteredByServerByType: perMinute(metered, minutes),
      supervisorRotationsEstimated: round(rotations, 1),
      inHistories: round(counts.total / minutes, 1),
      inHistoriesByKind: perMinute(counts.byKind, minutes),
      inHistoriesByWorkflowType: perMinute(counts.byWorkflowType, minutes),
      supervisorHeartbeatsEstimated: round(
        (size * heartbeatsPerHour(DEFAULTS.supervisionHeartbeatTimeoutMs)) / 60,
        1,
      ),
    },
    temporalActionsPerSchedulerPerHour: round(((meteredTotal + rotations) * 60) / size, 1),
  };
}

/**
 * Running supervisor workflows, and how many of them have their long-running activity waiting for
 * a worker slot instead of running (their scheduler then has no watcher or no metrics).
 */
async function supervisorStates(stack: Stack) {
  const runs = (await listRuns(stack.client, 'ExecutionStatus = "Running"')).filter((run) =>
    SUPERVISOR_TYPES.includes(run.type),
  );
  let waiting = 0;
  for (const run of runs) {
    const { raw } = await stack.client.workflow.getHandle(run.workflowId).describe();
    if (
      raw.pendingActivities?.some((a) => a.state === ActivityState.PENDING_ACTIVITY_STATE_SCHEDULED)
    )
      waiting += 1;
  }
  return { running: runs.length, activityWaitingForASlot: waiting };
}

/** MB per added scheduler between consecutive steps (linear growth: about the same each time). */
function growth(
  baseline: number,
  steps: ReadonlyArray<{ schedulers: number; rssMb: { median: Record<string, number> } }>,
) {
  let previous = { schedulers: 0, total: baseline };
  return steps.map((step) => {
    const total = step.rssMb.median['total']!;
    const row = {
      from: previous.schedulers,
      to: step.schedulers,
      mbPerScheduler: round((total - previous.total) / (step.schedulers - previous.schedulers), 3),
    };
    previous = { schedulers: step.schedulers, total };
    return row;
  });
}

/**
 * Median RSS less the main thread's V8 heap and external memory: the workflow thread's heap (the
 * cached workflows, `workflowThreadHeapMbAtEnd`) and native memory (Temporal's core).
 */
function outsideMainHeap(
  rss: Record<string, number>,
  mainThread: Record<string, Record<string, number>>,
) {
  return Object.fromEntries(
    Object.entries(mainThread).map(([module, memory]) => [
      module,
      round(rss[module]! - memory['heapTotal']! - memory['external']!, 1),
    ]),
  );
}

const perMinute = (counts: Record<string, number>, minutes: number) =>
  Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, round(v / minutes, 1)]));

const nameOf = (index: number) => `idle-${String(index).padStart(4, '0')}`;

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
