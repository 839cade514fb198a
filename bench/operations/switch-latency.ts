/**
 * Time from the API call to `finished` for 100 sequential switch_active_version operations on the
 * Temporal dev server (issue target: p50 ≤ 300 ms). Run: npm run bench:operations
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { WorkflowNotFoundError } from '@temporalio/client';
import { benchScheduler, percentile, startStack } from '../support/stack';

const OPERATIONS = Number(process.env['BENCH_OPERATIONS'] ?? 100);

async function main() {
  const stack = await startStack({ healthControllerIntervalMs: 3_600_000 });
  try {
    const name = 'switch-bench';
    await stack.commands.createScheduler(benchScheduler(name));
    await waitForState(stack, name);
    const latencies: number[] = [];
    for (let i = 0; i < OPERATIONS; i++) {
      const started = performance.now();
      const id = await stack.commands.switchActiveVersion(name, 'v1.0.0');
      await resultOf(stack, id);
      latencies.push(performance.now() - started);
    }
    const sorted = [...latencies].sort((a, b) => a - b);
    const result = {
      benchmark: 'switch_active_version: API call to finished, sequential',
      operations: OPERATIONS,
      p50Ms: round(percentile(sorted, 50)),
      p90Ms: round(percentile(sorted, 90)),
      p99Ms: round(percentile(sorted, 99)),
      maxMs: round(sorted.at(-1)!),
      machine: `${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}`,
      date: new Date().toISOString(),
    };
    console.log(JSON.stringify(result, null, 2));
    writeFileSync(
      path.join(__dirname, '../results/switch-latency.json'),
      `${JSON.stringify(result, null, 2)}\n`,
    );
  } finally {
    await stack.stop();
  }
}

async function waitForState(stack: Awaited<ReturnType<typeof startStack>>, name: string) {
  while ((await stack.schedulers.getScheduler(name))?.state !== 'in-sync') {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The operation's workflow is started by the scheduler workflow just after the enqueue signal. */
async function resultOf(
  stack: Awaited<ReturnType<typeof startStack>>,
  operationId: string,
): Promise<void> {
  for (;;) {
    try {
      await stack.client.workflow.getHandle(operationId).result();
      return;
    } catch (error) {
      if (!(error instanceof WorkflowNotFoundError)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
}

const round = (value: number) => Math.round(value * 10) / 10;

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
