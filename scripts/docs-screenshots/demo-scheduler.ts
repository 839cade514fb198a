/**
 * The demo scheduler the Temporal UI screenshots show: the example scheduler
 * (examples/schedulers/game-room.json, rooms running examples/game-room on the local runtime)
 * under a name of its own, taken through a few operations by the Management API as a user would.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type {
  ManagementClient,
  OperationSummary,
  SchedulerDefinition,
} from '@maestro/management-client';

const EXAMPLE = path.resolve(__dirname, '../../examples/schedulers/game-room.json');

/** Demo schedulers are named `ui-demo-<base36 seconds>`: unique per run, and found again. */
export const DEMO_PREFIX = 'ui-demo-';

/** How long one step may take to settle (rooms ready, no operation left) on a busy machine. */
const STEP_TIMEOUT_MS = 180_000;

export interface DemoScheduler {
  name: string;
  game: string;
  /** Every operation of the demo, final, oldest first. */
  operations: OperationSummary[];
}

/**
 * Creates the scheduler (2 rooms, v1.0.0), raises it to 4 rooms with a new version (v1.1.0, a
 * minor version switched to at once), then switches back to v1.0.0 (2 rooms again). Each step
 * waits until the rooms are ready and no operation is pending or running.
 */
export async function runDemoScheduler(
  client: ManagementClient,
  say: (message: string) => void,
): Promise<DemoScheduler> {
  const definition = demoDefinition();
  const { name, game } = definition;
  say(`creating scheduler ${name} (2 rooms)`);
  await client.createScheduler(definition);
  await settle(client, definition, 2);
  say(`new version of ${name}: 4 rooms`);
  await client.newSchedulerVersion({ ...definition, roomsReplicas: 4 });
  await settle(client, definition, 4);
  say(`switching ${name} back to v1.0.0`);
  await client.switchActiveVersion(name, 'v1.0.0');
  await settle(client, definition, 2);
  return { name, game, operations: await finalOperations(client, name) };
}

/** Deletes the demo schedulers earlier runs left (kept, or interrupted before their cleanup). */
export async function deleteEarlierDemos(
  client: ManagementClient,
  say: (message: string) => void,
): Promise<void> {
  const earlier = (await client.listSchedulers()).filter((s) => s.name.startsWith(DEMO_PREFIX));
  for (const scheduler of earlier) {
    say(`deleting scheduler ${scheduler.name} of an earlier run`);
    await client.deleteScheduler(scheduler.name);
  }
}

function demoDefinition(): SchedulerDefinition {
  const example = JSON.parse(readFileSync(EXAMPLE, 'utf8')) as SchedulerDefinition;
  const suffix = Math.floor(Date.now() / 1000).toString(36);
  return { ...example, name: `${DEMO_PREFIX}${suffix}`, roomsReplicas: 2 };
}

/** Waits until `rooms` rooms are ready, none other is left, and no operation is queued. */
async function settle(client: ManagementClient, definition: SchedulerDefinition, rooms: number) {
  const deadline = Date.now() + STEP_TIMEOUT_MS;
  let seen = 'nothing yet';
  for (;;) {
    const info = (await client.getSchedulersInfo(definition.game)).find(
      (scheduler) => scheduler.name === definition.name,
    );
    const queued = await queuedOperations(client, definition.name);
    seen = info
      ? `${info.roomsReady} ready, ${info.roomsPending} pending, ${info.roomsTerminating} terminating; ${queued} operations queued or running`
      : 'scheduler not listed yet';
    const isSettled =
      info !== undefined &&
      info.roomsReady === rooms &&
      info.roomsPending + info.roomsOccupied + info.roomsTerminating === 0 &&
      queued === 0;
    if (isSettled) return;
    if (Date.now() > deadline) {
      throw new Error(`${definition.name} did not settle at ${rooms} ready rooms: ${seen}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}

async function queuedOperations(client: ManagementClient, name: string): Promise<number> {
  const [pending, active] = await Promise.all([
    client.listOperations(name, { stage: 'pending' }),
    client.listOperations(name, { stage: 'active' }),
  ]);
  return pending.operations.length + active.operations.length;
}

async function finalOperations(client: ManagementClient, name: string) {
  const page = await client.listOperations(name, {
    stage: 'final',
    perPage: 100,
    orderBy: 'createdAt asc',
  });
  return page.operations;
}
