import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { binDir } from '../../scripts/local-infra/paths';
import { sharedInfra } from '../support/infra';
import { OperationsHarness } from '../support/operations-harness';
import { eventually } from '../support/runtime-contract';

describe('scheduler operations on Temporal', () => {
  const harness = new OperationsHarness();
  const name = (label: string) => `${label}-${harness.suffix}`;
  const finalOperations = async (scheduler: string) =>
    (await harness.operations.list({ schedulerName: scheduler, stage: 'final' })).operations;

  beforeAll(() => harness.start());
  afterAll(() => harness.stop());

  it('creates a scheduler in sync with its runtime space when create_scheduler finishes', async () => {
    const scheduler = name('create');

    const created = await harness.commands.createScheduler(harness.schedulerInput(scheduler));
    const [operation] = await eventuallyFinal(scheduler, 1);

    expect(created).toMatchObject({
      name: scheduler,
      state: 'creating',
      spec: { version: 'v1.0.0' },
    });
    expect(operation).toMatchObject({ definitionName: 'create_scheduler', status: 'finished' });
    expect((await harness.schedulers.getScheduler(scheduler))?.state).toBe('in-sync');
    const details = await harness.operations.get(scheduler, operation!.id);
    expect(details.executionHistory.map((e) => e.event)).toEqual([
      'Created',
      'Starting operation',
      'Operation finished',
    ]);
  });

  it('creates and removes rooms on the runtime when add_rooms and remove_rooms run', async () => {
    const scheduler = await createdScheduler('rooms');

    const added = await harness.queue.enqueue(scheduler, 'add_rooms', { amount: 5 });
    await harness.waitForOperation(scheduler, added, 'finished');
    await eventually(async () => expect(await readyRooms(scheduler)).toHaveLength(5));
    const removed = await harness.queue.enqueue(scheduler, 'remove_rooms', {
      amount: 2,
      rooms_ids: null,
      reason: 'scale_down',
    });
    const removal = await harness.waitForOperation(scheduler, removed, 'finished');

    await eventually(async () =>
      expect(await harness.runtime.listRooms(scheduler)).toHaveLength(3),
    );
    expect(removal.executionHistory.map((e) => e.event)).toContain('removed 2 rooms');
  });

  it('ends in error after a rollback when switch_active_version names a version that does not exist', async () => {
    const scheduler = await createdScheduler('switch-missing');

    const id = await harness.commands.switchActiveVersion(scheduler, 'v9.0.0');
    const operation = await harness.waitForOperation(scheduler, id, 'error');

    const events = operation.executionHistory.map((e) => e.event);
    expect(
      events.some((e) => e.startsWith('Operation execution failed:') && e.includes('v9.0.0')),
    ).toBe(true);
    expect(events).toContain('Starting operation rollback');
    expect((await harness.schedulers.getScheduler(scheduler))?.spec.version).toBe('v1.0.0');
  });

  it('stores a minor version and switches to it when only roomsReplicas changes', async () => {
    const scheduler = await createdScheduler('minor');

    const id = await harness.commands.newSchedulerVersion(
      scheduler,
      harness.schedulerInput(scheduler, { roomsReplicas: 3 }),
    );
    const operation = await harness.waitForOperation(scheduler, id, 'finished');

    expect(operation.executionHistory.map((e) => e.event)).toContain('new version v1.1.0 is minor');
    await eventually(async () =>
      expect((await harness.schedulers.getScheduler(scheduler))?.spec.version).toBe('v1.1.0'),
    );
    expect((await harness.schedulers.getScheduler(scheduler))?.roomsReplicas).toBe(3);
  });

  it('validates a major version with a room of the new spec before switching to it', async () => {
    const scheduler = await createdScheduler('major');
    const input = harness.schedulerInput(scheduler);
    input.spec.containers[0]!.environment.push({ name: 'NEW_SETTING', value: 'on' });

    const id = await harness.commands.newSchedulerVersion(scheduler, input);
    const operation = await harness.waitForOperation(scheduler, id, 'finished');

    const events = operation.executionHistory.map((e) => e.event);
    expect(events).toContain('new version v2.0.0 is major');
    expect(events.some((e) => /^validation room .* became ready$/.test(e))).toBe(true);
    await eventually(async () =>
      expect((await harness.schedulers.getScheduler(scheduler))?.spec.version).toBe('v2.0.0'),
    );
    await eventually(async () => expect(await harness.runtime.listRooms(scheduler)).toEqual([]));
  });

  it('refuses a second version change while one is queued', async () => {
    const scheduler = await createdScheduler('conflict');
    await harness.commands.switchActiveVersion(scheduler, 'v1.0.0');

    const second = harness.commands.switchActiveVersion(scheduler, 'v1.0.0');

    await expect(second).rejects.toMatchObject({ code: 'FAILED_PRECONDITION' });
  });

  it('cancels a pending operation, which never runs, and refuses to cancel a finished one', async () => {
    const scheduler = await createdScheduler('cancel-pending');
    const slow = await harness.queue.enqueue(scheduler, 'add_rooms', { amount: 20 });
    const pending = await harness.queue.enqueue(scheduler, 'add_rooms', { amount: 7 });

    await harness.operations.cancel(scheduler, pending);
    const canceled = await harness.waitForOperation(scheduler, pending, 'canceled');
    await harness.waitForOperation(scheduler, slow, 'finished');

    expect(canceled.executionHistory.map((e) => e.event)).toContain(
      'Operation canceled while pending',
    );
    expect(await harness.runtime.listRooms(scheduler)).toHaveLength(20);
    await expect(harness.operations.cancel(scheduler, slow)).rejects.toMatchObject({
      code: 'CONFLICT',
      message: 'cannot cancel operation since status "finished" is a final status',
    });
  });

  it('rolls a running operation back and ends it canceled on `temporal workflow cancel --workflow-id <operationId>`', async () => {
    const scheduler = await createdScheduler('cancel-running', {
      spec: {
        ...harness.schedulerInput('x').spec,
        terminationGracePeriodMs: 8_000,
        containers: [
          {
            ...harness.schedulerInput('x').spec.containers[0]!,
            command: ['sh', '-c', 'trap "" TERM; exec sleep 300'],
          },
        ],
      },
    });
    const added = await harness.queue.enqueue(scheduler, 'add_rooms', { amount: 1 });
    await harness.waitForOperation(scheduler, added, 'finished');
    const deletion = await harness.commands.deleteScheduler(scheduler);
    await harness.waitForOperation(scheduler, deletion, 'in_progress');

    // The Temporal CLI, as a user would run it.
    execFileSync(path.join(binDir, 'temporal'), [
      'workflow',
      'cancel',
      '--workflow-id',
      deletion,
      '--address',
      sharedInfra().temporalAddress,
    ]);
    const operation = await harness.waitForOperation(scheduler, deletion, 'canceled');

    const events = operation.executionHistory.map((e) => e.event);
    expect(events).toEqual(
      expect.arrayContaining([
        'Operation canceled by the user',
        'Starting operation rollback',
        'Operation rollback flow execution finished with success',
      ]),
    );
    await harness.runtime.deleteSchedulerSpace(scheduler);
  });

  it('orders the final listing by creation time and paginates it', async () => {
    const scheduler = await createdScheduler('listing');
    for (const amount of [1, 2, 3]) {
      await harness.waitForOperation(
        scheduler,
        await harness.queue.enqueue(scheduler, 'add_rooms', { amount }),
        'finished',
      );
    }

    await eventuallyFinal(scheduler, 4); // the scheduler workflow learns of the last one by signal
    const firstPage = await harness.operations.list({
      schedulerName: scheduler,
      stage: 'final',
      perPage: 2,
    });
    const ascending = await harness.operations.list({
      schedulerName: scheduler,
      stage: 'final',
      orderBy: 'createdAt asc',
    });

    expect(firstPage).toMatchObject({ page: 1, pageSize: 2, total: 4 });
    expect(firstPage.operations.map((o) => o.definitionName)).toEqual(['add_rooms', 'add_rooms']);
    expect(ascending.operations[0]?.definitionName).toBe('create_scheduler');
    await expect(
      harness.operations.list({ schedulerName: scheduler, stage: 'later' }),
    ).rejects.toMatchObject({ message: 'invalid stage filter: later' });
  });

  it('deletes the scheduler, its rooms and its rows, and ends its workflow', async () => {
    const scheduler = await createdScheduler('delete');
    await harness.waitForOperation(
      scheduler,
      await harness.queue.enqueue(scheduler, 'add_rooms', { amount: 2 }),
      'finished',
    );

    const id = await harness.commands.deleteScheduler(scheduler);
    await harness.waitForOperation(scheduler, id, 'finished');

    expect(await harness.schedulers.getScheduler(scheduler)).toBeUndefined();
    expect(await harness.runtime.listRooms(scheduler)).toEqual([]);
    await eventually(async () => {
      const description = await harness.client.workflow
        .getHandle(`scheduler:${scheduler}`)
        .describe();
      expect(description.status.name).toBe('COMPLETED');
    });
  });

  async function createdScheduler(label: string, overrides: Record<string, unknown> = {}) {
    const scheduler = name(label);
    await harness.commands.createScheduler(harness.schedulerInput(scheduler, overrides));
    await eventuallyFinal(scheduler, 1);
    return scheduler;
  }

  async function eventuallyFinal(scheduler: string, count: number) {
    let operations: Awaited<ReturnType<typeof finalOperations>> = [];
    await eventually(async () => {
      operations = await finalOperations(scheduler);
      expect(operations).toHaveLength(count);
    }, 30_000);
    return operations;
  }

  async function readyRooms(scheduler: string) {
    return (await harness.runtime.listRooms(scheduler)).filter((room) => room.status === 'ready');
  }
});
