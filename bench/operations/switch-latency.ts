/**
 * Time from the API call to the operation workflow's result for sequential switch_active_version
 * operations on the Temporal dev server (issue #14 target: p50 ≤ 60 ms, p99 ≤ 150 ms), with where
 * the time goes hop by hop (see hop-breakdown.ts). Run: npm run bench:operations (this script
 * alone: node --import tsx bench/operations/switch-latency.ts).
 */
import { WorkflowNotFoundError } from '@temporalio/client';
import { schedulerWorkflowId } from '../../workflows/messages';
import { commandLine, machineInfo, round, setting, sleep, writeResult } from '../support/results';
import { benchScheduler, percentile, startStack } from '../support/stack';
import { hopBreakdown, type TimedOperation } from './hop-breakdown';

const OPERATIONS = setting('BENCH_OPERATIONS', 100);
/** Operations run before measuring (the worker's caches and the server's warm up). */
const WARM_UP = setting('BENCH_WARM_UP', 10);

type Stack = Awaited<ReturnType<typeof startStack>>;

async function main() {
  const machine = machineInfo();
  const stack = await startStack({ healthControllerIntervalMs: 3_600_000 });
  try {
    const name = 'switch-bench';
    await stack.commands.createScheduler(benchScheduler(name));
    while ((await stack.schedulers.getScheduler(name))?.state !== 'in-sync') await sleep(100);
    for (let i = 0; i < WARM_UP; i++) await timedSwitch(stack, name);
    const operations: TimedOperation[] = [];
    for (let i = 0; i < OPERATIONS; i++) operations.push(await timedSwitch(stack, name));
    const latencies = operations.map((op) => op.resultAt - op.apiCalledAt).sort((a, b) => a - b);
    writeResult('switch-latency', {
      benchmark: 'switch_active_version: API call to the operation workflow result, sequential',
      command: 'npm run bench:operations',
      exactCommand: commandLine(),
      machine,
      operations: OPERATIONS,
      warmUpOperations: WARM_UP,
      p50Ms: round(percentile(latencies, 50), 1),
      p90Ms: round(percentile(latencies, 90), 1),
      p99Ms: round(percentile(latencies, 99), 1),
      maxMs: round(latencies.at(-1)!, 1),
      breakdown: await hopBreakdown(stack.client, schedulerWorkflowId(name), operations),
    });
  } finally {
    await stack.stop();
  }
}

/** One operation: the API's enqueue, then its workflow's result as a client waits for it. */
async function timedSwitch(stack: Stack, name: string): Promise<TimedOperation> {
  const apiCalledAt = Date.now();
  const id = await stack.commands.switchActiveVersion(name, 'v1.0.0');
  await resultOf(stack, id);
  return { id, apiCalledAt, resultAt: Date.now() };
}

/** The operation's workflow is started by the scheduler workflow just after the enqueue signal. */
async function resultOf(stack: Stack, operationId: string): Promise<void> {
  for (;;) {
    try {
      await stack.client.workflow.getHandle(operationId).result();
      return;
    } catch (error) {
      if (!(error instanceof WorkflowNotFoundError)) throw error;
      await sleep(2);
    }
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
