import { ApplicationFailure } from '@temporalio/common';
import type { HealthDecision } from '../../../activities/health-activities';
import { OperationExecutorHarness } from '../../support/operation-executor-harness';
import { testScheduler } from '../../support/test-scheduler';

/** Version, scheduler and health operations, on a local Temporal with stubbed activities. */
describe('scheduler operations (stubbed activities)', () => {
  let harness: OperationExecutorHarness;
  const scheduler = testScheduler('versioned');

  beforeAll(async () => {
    harness = await OperationExecutorHarness.start();
  }, 120_000);
  afterAll(() => harness?.stop());

  const events = (run: { details: { executionHistory: Array<{ event: string }> } }) =>
    run.details.executionHistory.map((line) => line.event);

  it('saves a minor version and enqueues the switch to it', async () => {
    const run = await harness.run(
      'create_new_scheduler_version',
      { scheduler },
      {
        prepareSchedulerVersion: async () => ({ version: 'v1.1.0', isMajor: false, scheduler }),
        saveSchedulerVersion: async () => {},
      },
    );

    expect(run.details.status).toBe('finished');
    expect(run.calls.map((call) => call.name)).toEqual([
      'prepareSchedulerVersion',
      'saveSchedulerVersion',
    ]);
    expect(run.calls[0]!.input).toMatchObject({ scheduler: { name: 'versioned' } });
    expect(run.signals.enqueued).toMatchObject([
      { definitionName: 'switch_active_version', input: { newActiveVersion: 'v1.1.0' } },
    ]);
    expect(events(run)).toContain(
      `enqueued switch active version operation with id: ${run.signals.enqueued[0]!.id}`,
    );
  });

  it('saves a major version once a validation room became ready, deleting that room', async () => {
    const run = await harness.run(
      'create_new_scheduler_version',
      { scheduler },
      {
        prepareSchedulerVersion: async () => ({ version: 'v2.0.0', isMajor: true, scheduler }),
        createRooms: async () => {},
        awaitRoomReady: async () => 'ready',
        deleteRooms: async () => {},
        saveSchedulerVersion: async () => {},
      },
    );

    expect(run.details.status).toBe('finished');
    expect(run.calls.map((call) => call.name)).toEqual([
      'prepareSchedulerVersion',
      'createRooms',
      'awaitRoomReady',
      'deleteRooms',
      'saveSchedulerVersion',
    ]);
    const [created, deleted] = [run.calls[1]!.input, run.calls[3]!.input] as Array<{
      roomIds: string[];
    }>;
    expect(deleted!.roomIds).toEqual(created!.roomIds);
  });

  it('fails after three validation rooms, stores nothing and puts the scheduler back in sync', async () => {
    const run = await harness.run(
      'create_new_scheduler_version',
      { scheduler },
      {
        prepareSchedulerVersion: async () => ({ version: 'v2.0.0', isMajor: true, scheduler }),
        createRooms: async () => {},
        awaitRoomReady: async () => 'timeout',
        deleteRooms: async () => {},
        setSchedulerState: async () => {},
      },
    );

    expect(run.details.status).toBe('error');
    const names = run.calls.map((call) => call.name);
    expect(names.filter((name) => name === 'createRooms')).toHaveLength(3);
    expect(names.filter((name) => name === 'deleteRooms')).toHaveLength(3);
    expect(names).not.toContain('saveSchedulerVersion');
    expect(run.calls.at(-1)).toEqual({
      name: 'setSchedulerState',
      input: { schedulerName: run.details.schedulerName, state: 'in-sync' },
    });
    expect(run.signals.enqueued).toEqual([]);
  });

  it('fails before any step when the scheduler is not an object', async () => {
    const run = await harness.run('create_new_scheduler_version', { scheduler: 'v2' }, {});

    expect(run.details.status).toBe('error');
    expect(events(run)).toContain(
      'Operation execution failed: invalid input of operation create_new_scheduler_version: scheduler: must be a scheduler object',
    );
    expect(run.calls).toEqual([]);
  });

  it('switches to the requested version', async () => {
    const run = await harness.run(
      'switch_active_version',
      { newActiveVersion: 'v3.0.0' },
      { switchActiveVersion: async () => {} },
    );

    expect(run.details.status).toBe('finished');
    expect(run.calls).toEqual([
      {
        name: 'switchActiveVersion',
        input: { schedulerName: run.details.schedulerName, version: 'v3.0.0' },
      },
    ]);
  });

  it('removes the scheduler when creating its runtime space failed', async () => {
    const run = await harness.run(
      'create_scheduler',
      { scheduler },
      {
        createSchedulerSpace: async () => {
          throw ApplicationFailure.nonRetryable('namespace refused', 'INVALID_ARGUMENT');
        },
        deleteScheduler: async () => ({ roomsLeft: 0 }),
      },
    );

    expect(run.details.status).toBe('error');
    expect(run.calls.map((call) => call.name)).toEqual(['createSchedulerSpace', 'deleteScheduler']);
    expect(events(run)).toContain('Operation rollback flow execution finished with success');
  });

  it.each([
    [0, []],
    [3, ['rooms still terminating after the deletion wait: 3; left to the runtime']],
  ])(
    'deletes the scheduler, recording the %i rooms its wait left to the runtime',
    async (roomsLeft, leftLines) => {
      const run = await harness.run(
        'delete_scheduler',
        {},
        { deleteScheduler: async () => ({ roomsLeft }) },
      );

      expect(run.details.status).toBe('finished');
      expect(run.calls).toEqual([
        { name: 'deleteScheduler', input: { schedulerName: run.details.schedulerName } },
      ]);
      const deletionLines = events(run).filter((line) => line.startsWith('rooms still'));
      expect(deletionLines).toEqual(leftLines);
      expect(events(run)).toContain('scheduler deleted with its rooms and runtime space');
    },
  );

  it('enqueues removals and additions in order when the health plan takes action', async () => {
    const run = await harness.run(
      'health_controller',
      {},
      {
        planHealthActions: async () =>
          healthDecision({ expired: ['old-1'], replace: ['v1-room'], scaleDown: 0, add: 2 }),
      },
    );

    expect(run.details.status).toBe('finished');
    expect(run.details.input).toEqual({ took_action: true });
    expect(run.signals.enqueued).toMatchObject([
      {
        definitionName: 'remove_rooms',
        input: { amount: 0, rooms_ids: ['old-1'], reason: 'expired_room' },
      },
      {
        definitionName: 'remove_rooms',
        input: { amount: 0, rooms_ids: ['v1-room'], reason: 'rolling_update_replace' },
      },
      { definitionName: 'add_rooms', input: { amount: 2 } },
    ]);
  });

  it('is marked as having done nothing when the health plan takes no action', async () => {
    const run = await harness.run(
      'health_controller',
      {},
      {
        planHealthActions: async () => healthDecision({}),
      },
    );

    expect(run.details).toMatchObject({
      status: 'finished',
      hasNoAction: true,
      input: { took_action: false },
    });
    expect(run.signals.enqueued).toEqual([]);
    expect(run.signals.finished).toMatchObject([{ hasNoAction: true }]);
  });
});

function healthDecision(actions: Partial<HealthDecision>): HealthDecision {
  return {
    expired: [],
    available: 3,
    desired: 3,
    isRollingUpdate: false,
    add: 0,
    replace: [],
    scaleDown: 0,
    isAutoscalerDownscale: false,
    activeVersion: 'v1.0.0',
    ...actions,
  };
}
