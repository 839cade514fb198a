import { Worker } from '@temporalio/worker';
import { OperationsHarness } from '../support/operations-harness';
import { eventually } from '../support/runtime-contract';

/**
 * The scheduler workflow over a long life: it continues as new (the test server suggests it after
 * a short history) without losing its queue or finished operations, and its recorded histories
 * replay on the current workflow code (no non-determinism).
 */
describe('scheduler workflow history', () => {
  const harness = new OperationsHarness();
  const scheduler = `history-${harness.suffix}`;
  const workflowId = `scheduler:${scheduler}`;

  beforeAll(() => harness.start());
  afterAll(() => harness.stop());

  it('continues as new and keeps every finished operation and the queue when its history grows', async () => {
    await harness.commands.createScheduler(harness.schedulerInput(scheduler));
    const firstRunId = (await harness.client.workflow.getHandle(workflowId).describe()).runId;

    const ids: string[] = [];
    for (let i = 0; i < 12; i++) {
      const id = await harness.commands.switchActiveVersion(scheduler, 'v1.0.0');
      await harness.waitForOperation(scheduler, id, 'finished');
      await eventually(async () =>
        expect((await harness.queue.list(scheduler)).active).toEqual([]),
      );
      ids.push(id);
    }
    const burst = await Promise.all(
      [1, 2, 3].map((amount) => harness.queue.enqueue(scheduler, 'add_rooms', { amount })),
    );
    await Promise.all(burst.map((id) => harness.waitForOperation(scheduler, id, 'finished')));

    await eventually(async () => {
      const listed = await harness.operations.list({
        schedulerName: scheduler,
        stage: 'final',
        perPage: 100,
      });
      expect(listed.total).toBe(1 + ids.length + burst.length);
    });
    const description = await harness.client.workflow.getHandle(workflowId).describe();
    expect(description.runId).not.toBe(firstRunId);
    expect(description.status.name).toBe('RUNNING');
    await eventually(async () =>
      expect(await harness.runtime.listRooms(scheduler)).toHaveLength(6),
    );
  });

  it('replays its recorded histories on the current workflow code', async () => {
    const histories = [];
    for await (const execution of harness.client.workflow.list({
      query: `WorkflowId = "${workflowId}"`,
    })) {
      histories.push(
        await harness.client.workflow.getHandle(workflowId, execution.runId).fetchHistory(),
      );
    }
    expect(histories.length).toBeGreaterThan(1);

    for (const history of histories) {
      await Worker.runReplayHistory(
        { workflowsPath: require.resolve('../../workflows') },
        history,
        workflowId,
      );
    }
  });
});
