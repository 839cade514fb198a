/**
 * Temporal actions an idle, healthy scheduler costs per hour (DESIGN.md: about 100–150). Runs one
 * scheduler with the health controller every 2 s for a minute, counts the billable events in the
 * histories of its workflow, its two supervisor children (runtime watcher, metrics reporter) and
 * any operation workflow started meanwhile, and scales the count per health-controller cycle to
 * the default interval (60 s). The supervisors' heartbeats and hourly activity rotation are added
 * as estimates (not in any history, or too rare for the window). Run: npm run bench:operations
 */
import { loadConfig } from '../../src/config/load';
import { machineInfo, commandLine, round, setting, sleep, writeResult } from '../support/results';
import { benchScheduler, startStack } from '../support/stack';
import {
  countActions,
  heartbeatsPerHour,
  listRuns,
  SUPERVISOR_ROTATIONS_PER_HOUR,
} from '../support/temporal-actions';

const INTERVAL_MS = 2_000;
const WINDOW_MS = setting('BENCH_IDLE_WINDOW_MS', 60_000);
/** The production defaults the figures are scaled to. */
const DEFAULTS = loadConfig({}).operations;

async function main() {
  const machine = machineInfo();
  const stack = await startStack({ healthControllerIntervalMs: INTERVAL_MS });
  try {
    const name = 'idle-bench';
    await stack.commands.createScheduler(benchScheduler(name));
    while ((await stack.schedulers.getScheduler(name))?.state !== 'in-sync') await sleep(100);
    await sleep(INTERVAL_MS); // let the creation's own events settle
    const window = { from: new Date(), to: new Date(Date.now() + WINDOW_MS) };
    await sleep(WINDOW_MS);
    const runs = [
      ...(await listRuns(stack.client, `WorkflowId = "scheduler:${name}"`)),
      ...(await listRuns(stack.client, `MaestroScheduler = "${name}"`)),
    ];
    const counts = await countActions(stack.client, runs, window);
    const cycles = WINDOW_MS / INTERVAL_MS;
    const cyclesPerHour = 3_600_000 / DEFAULTS.healthControllerIntervalMs;
    const perCycle = counts.total / cycles;
    const inHistories = perCycle * cyclesPerHour;
    const heartbeats = heartbeatsPerHour(DEFAULTS.supervisionHeartbeatTimeoutMs);
    writeResult('idle-actions', {
      benchmark: 'Temporal actions of one idle scheduler',
      command: 'npm run bench:operations',
      exactCommand: commandLine(),
      machine,
      healthControllerIntervalMs: DEFAULTS.healthControllerIntervalMs,
      supervisionHeartbeatTimeoutMs: DEFAULTS.supervisionHeartbeatTimeoutMs,
      actionsPerHealthControllerCycle: round(perCycle),
      actionsPerHour: Math.round(inHistories + heartbeats + SUPERVISOR_ROTATIONS_PER_HOUR),
      actionsPerHourBreakdown: {
        inHistories: Math.round(inHistories),
        supervisorHeartbeatsEstimated: round(heartbeats, 1),
        supervisorRotationsEstimated: SUPERVISOR_ROTATIONS_PER_HOUR,
      },
      breakdownPerCycle: Object.fromEntries(
        Object.entries(counts.byKind).map(([k, v]) => [k, round(v / cycles)]),
      ),
      byWorkflowType: counts.byWorkflowType,
      workflowRunsCounted: counts.runs,
      measured: `${cycles} cycles at ${INTERVAL_MS} ms`,
      date: new Date().toISOString(),
    });
  } finally {
    await stack.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
