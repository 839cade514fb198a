/**
 * Temporal actions an idle, healthy scheduler costs per hour (DESIGN.md: about 100–150). Runs one
 * scheduler with the health controller every 2 s for a minute, counts the billable events in the
 * histories of its workflow and of every operation workflow started meanwhile, and scales the
 * count per health-controller cycle to the default interval (60 s). Run: npm run bench:operations
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { benchScheduler, startStack } from '../support/stack';

const INTERVAL_MS = 2_000;
const WINDOW_MS = Number(process.env['BENCH_IDLE_WINDOW_MS'] ?? 60_000);
const DEFAULT_INTERVAL_MS = 60_000;

const EventType = temporal.api.enums.v1.EventType;
/** History events that Temporal Cloud bills as actions (one each). */
const ACTION_EVENTS = new Map<number, string>([
  [EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED, 'workflow started'],
  [EventType.EVENT_TYPE_TIMER_STARTED, 'timer'],
  [EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED, 'activity'],
  [EventType.EVENT_TYPE_MARKER_RECORDED, 'local activity'],
  [EventType.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED, 'signal sent'],
  [EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES, 'search attribute upsert'],
  [EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW, 'continue-as-new'],
]);

async function main() {
  const stack = await startStack({ healthControllerIntervalMs: INTERVAL_MS });
  try {
    const name = 'idle-bench';
    await stack.commands.createScheduler(benchScheduler(name));
    while ((await stack.schedulers.getScheduler(name))?.state !== 'in-sync') await sleep(100);
    await sleep(INTERVAL_MS); // let the creation's own events settle
    const windowStart = new Date();
    await sleep(WINDOW_MS);
    const counts = await countActions(stack.client, name, windowStart);
    const cycles = WINDOW_MS / INTERVAL_MS;
    const perCycle = counts.total / cycles;
    const result = {
      benchmark: 'Temporal actions of one idle scheduler',
      healthControllerIntervalMs: DEFAULT_INTERVAL_MS,
      actionsPerHealthControllerCycle: round(perCycle),
      actionsPerHour: Math.round(perCycle * (3_600_000 / DEFAULT_INTERVAL_MS)),
      breakdownPerCycle: Object.fromEntries(
        Object.entries(counts.byKind).map(([k, v]) => [k, round(v / cycles)]),
      ),
      measured: `${cycles} cycles at ${INTERVAL_MS} ms`,
      date: new Date().toISOString(),
    };
    console.log(JSON.stringify(result, null, 2));
    writeFileSync(
      path.join(__dirname, '../results/idle-actions.json'),
      `${JSON.stringify(result, null, 2)}\n`,
    );
  } finally {
    await stack.stop();
  }
}

async function countActions(client: Client, scheduler: string, since: Date) {
  const byKind: Record<string, number> = {};
  const executions = [`scheduler:${scheduler}`];
  for await (const execution of client.workflow.list({
    query: `MaestroScheduler = "${scheduler}"`,
  })) {
    if (execution.workflowId !== `scheduler:${scheduler}`) executions.push(execution.workflowId);
  }
  for (const workflowId of executions) {
    const history = await client.workflow.getHandle(workflowId).fetchHistory();
    for (const event of history.events ?? []) {
      const kind = ACTION_EVENTS.get(Number(event.eventType));
      const at = Number(event.eventTime?.seconds ?? 0) * 1000;
      if (kind && at >= since.getTime()) byKind[kind] = (byKind[kind] ?? 0) + 1;
    }
  }
  return { byKind, total: Object.values(byKind).reduce((a, b) => a + b, 0) };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const round = (value: number) => Math.round(value * 100) / 100;

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
