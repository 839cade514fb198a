import { readdirSync } from 'node:fs';
import path from 'node:path';
import { freePort } from '../../scripts/local-infra/paths';
import { runMaestro, type MaestroProcess } from '../support/maestro-process';
import { OperationsHarness } from '../support/operations-harness';
import { eventually } from '../support/runtime-contract';

/**
 * The worker process is SIGKILLed while add_rooms of 100 rooms runs, then started again: the
 * operation must finish with exactly 100 rooms, none duplicated, none orphaned. With no worker at
 * all, a finished operation is still read whole (from its workflow's result).
 */
describe('operation execution when the worker process is killed', () => {
  const harness = new OperationsHarness();
  let worker: MaestroProcess | undefined;

  beforeAll(() => harness.start({ runWorker: false }));
  afterAll(async () => {
    worker?.child.kill('SIGKILL');
    await harness.runtime.deleteSchedulerSpace(`crash-${harness.suffix}`);
    await harness.stop();
  });

  const startWorker = async () =>
    runMaestro(['start', 'worker'], {
      ...harness.maestroEnvironment(),
      MAESTRO_WORKER_INTERNAL_PORT: String(await freePort()),
      MAESTRO_LOG_LEVEL: 'warn',
    });

  it('finishes add_rooms with exactly 100 distinct rooms when the worker dies mid-way and comes back', async () => {
    const scheduler = `crash-${harness.suffix}`;
    worker = await startWorker();
    const input = harness.schedulerInput(scheduler);
    input.spec.containers[0]!.command = ['sleep', '600']; // counted, not played: no port to bind
    await harness.commands.createScheduler(input);
    const roomsDir = path.join(harness.runtimeDir, 'rooms', scheduler);
    await waitUntil(
      () => harness.schedulers.getScheduler(scheduler).then((s) => s?.state === 'in-sync'),
      60_000,
    );

    const operationId = await harness.queue.enqueue(scheduler, 'add_rooms', { amount: 100 });
    const roomsAtKill = await waitUntil(
      async () => {
        const count = countRooms(roomsDir);
        return count > 0 ? count : undefined;
      },
      60_000,
      2,
    );
    worker.child.kill('SIGKILL');
    await worker.exited;
    const statusAtKill = (await harness.queue.get(scheduler, operationId))?.status;
    worker = await startWorker();
    const operation = await harness.waitForOperation(scheduler, operationId, 'finished', 120_000);

    expect(roomsAtKill).toBeLessThan(100);
    expect(statusAtKill).toBe('in_progress');
    expect(operation.executionHistory.map((e) => e.event)).toContain('added 100 rooms');
    const rooms = await harness.runtime.listRooms(scheduler);
    expect(rooms).toHaveLength(100);
    expect(new Set(rooms.map((room) => room.id)).size).toBe(100);
    const ports = rooms.map((room) => room.address?.ports[0]?.port);
    expect(new Set(ports).size).toBe(100);
    await eventually(async () => {
      const statuses = (await harness.runtime.listRooms(scheduler)).map(
        (room) => `${room.status} ${room.reason ?? ''}`,
      );
      expect(statuses.filter((status) => !status.startsWith('ready'))).toEqual([]);
    });
  });

  it('answers a finished operation with its input and history, and the listing UNAVAILABLE, while no worker runs', async () => {
    const scheduler = `no-worker-${harness.suffix}`;
    worker ??= await startWorker();
    await harness.commands.createScheduler(harness.schedulerInput(scheduler));
    const operationId = await harness.queue.enqueue(scheduler, 'add_rooms', { amount: 1 });
    await harness.waitForOperation(scheduler, operationId, 'finished');
    await harness.client.workflow.getHandle(operationId).result(); // its workflow has completed
    worker.child.kill('SIGKILL');
    await worker.exited;
    worker = undefined;
    const killedAt = Date.now();

    const operation = await harness.operations.get(scheduler, operationId);
    const listing = await harness.operations
      .list({ schedulerName: scheduler, stage: 'final' })
      .catch((error: unknown) => error);

    expect(operation).toMatchObject({
      id: operationId,
      definitionName: 'add_rooms',
      status: 'finished',
      input: { amount: 1 },
    });
    expect(operation.executionHistory.map((e) => e.event)).toEqual(
      expect.arrayContaining([
        'Created',
        'Starting operation',
        'added 1 rooms',
        'Operation finished',
      ]),
    );
    expect(listing).toMatchObject({
      code: 'UNAVAILABLE',
      message: expect.stringContaining('no operation worker answered') as unknown,
    });
    // Once no worker has polled for a while, Temporal refuses the query early (FAILED_PRECONDITION
    // "no poller seen for task queue recently") instead of letting it run to the deadline: the
    // listing stays UNAVAILABLE, not a 500.
    while (Date.now() - killedAt < 30_000) {
      const later = await harness.operations
        .list({ schedulerName: scheduler, stage: 'final' })
        .catch((error: unknown) => error);
      expect(later).toMatchObject({
        code: 'UNAVAILABLE',
        message: expect.stringContaining('no operation worker answered') as unknown,
      });
    }
  }, 180_000);
});

function countRooms(dir: string): number {
  try {
    return readdirSync(dir).filter((entry) => !entry.startsWith('.')).length;
  } catch {
    return 0;
  }
}

async function waitUntil<T>(
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs: number,
  intervalMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`condition not met within ${timeoutMs} ms`);
}
