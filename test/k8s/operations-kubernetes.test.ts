import { OperationsHarness } from '../support/operations-harness';
import { eventually } from '../support/runtime-contract';

/** The operations on the Kubernetes runtime: rooms are pods on kwok fake nodes. */
describe('scheduler operations on Kubernetes', () => {
  const harness = new OperationsHarness('kubernetes');
  const name = (label: string) => `k8s-${label}-${harness.suffix}`;
  const readyRooms = async (scheduler: string) =>
    (await harness.runtime.listRooms(scheduler)).filter((room) => room.status === 'ready');

  beforeAll(() => harness.start());
  afterAll(() => harness.stop());

  async function createdScheduler(label: string) {
    const scheduler = name(label);
    await harness.commands.createScheduler(harness.schedulerInput(scheduler));
    await eventually(
      async () => expect((await harness.schedulers.getScheduler(scheduler))?.state).toBe('in-sync'),
      30_000,
    );
    return scheduler;
  }

  it('runs the rooms add_rooms creates as pods, and remove_rooms deletes them', async () => {
    const scheduler = await createdScheduler('rooms');

    await harness.waitForOperation(
      scheduler,
      await harness.queue.enqueue(scheduler, 'add_rooms', { amount: 6 }),
      'finished',
    );
    await eventually(async () => expect(await readyRooms(scheduler)).toHaveLength(6), 30_000);
    await harness.waitForOperation(
      scheduler,
      await harness.queue.enqueue(scheduler, 'remove_rooms', {
        amount: 2,
        rooms_ids: null,
        reason: 'scale_down',
      }),
      'finished',
    );

    await eventually(
      async () => expect(await harness.runtime.listRooms(scheduler)).toHaveLength(4),
      30_000,
    );
    const address = await harness.runtime.roomAddress(
      scheduler,
      (await readyRooms(scheduler))[0]!.id,
    );
    expect(address.ports).toHaveLength(1);
  });

  it('validates a major version with a pod of the new spec, switches, and removes the validation pod', async () => {
    const scheduler = await createdScheduler('major');
    const input = harness.schedulerInput(scheduler);
    input.spec.containers[0]!.image = 'sample-game-room:v2';

    const id = await harness.commands.newSchedulerVersion(scheduler, input);
    const operation = await harness.waitForOperation(scheduler, id, 'finished');

    expect(operation.executionHistory.map((e) => e.event)).toContain('new version v2.0.0 is major');
    await eventually(async () =>
      expect((await harness.schedulers.getScheduler(scheduler))?.spec.version).toBe('v2.0.0'),
    );
    await eventually(
      async () => expect(await harness.runtime.listRooms(scheduler)).toEqual([]),
      30_000,
    );
  });

  it('deletes the namespace and its pods before the rows when delete_scheduler runs', async () => {
    const scheduler = await createdScheduler('delete');
    await harness.waitForOperation(
      scheduler,
      await harness.queue.enqueue(scheduler, 'add_rooms', { amount: 3 }),
      'finished',
    );
    await eventually(async () => expect(await readyRooms(scheduler)).toHaveLength(3), 30_000);

    const id = await harness.commands.deleteScheduler(scheduler);
    await harness.waitForOperation(scheduler, id, 'finished', 120_000);

    expect(await harness.runtime.listRooms(scheduler)).toEqual([]);
    expect(await harness.schedulers.getScheduler(scheduler)).toBeUndefined();
  });
});
