import { ApplicationFailure } from '@temporalio/common';
import { ADD_ROOMS_BATCH_SIZE, ADD_ROOMS_LIMIT } from '../../../workflows/operations/add-rooms';
import { OperationExecutorHarness } from '../../support/operation-executor-harness';

/** add_rooms, remove_rooms and the input check, on a local Temporal with stubbed activities. */
describe('room operations (stubbed activities)', () => {
  let harness: OperationExecutorHarness;

  beforeAll(async () => {
    harness = await OperationExecutorHarness.start();
  }, 120_000);
  afterAll(() => harness?.stop());

  it('creates `amount` distinct rooms in batches when add_rooms runs', async () => {
    const amount = ADD_ROOMS_BATCH_SIZE + 5;

    const { details, calls, metrics } = await harness.run(
      'add_rooms',
      { amount },
      {
        createRooms: async () => {},
      },
    );

    expect(details.status).toBe('finished');
    const batches = calls.map((call) => (call.input as { roomIds: string[] }).roomIds);
    // The batches run in parallel: they reach the worker in any order.
    expect(batches.map((batch) => batch.length).sort((a, b) => b - a)).toEqual([
      ADD_ROOMS_BATCH_SIZE,
      5,
    ]);
    expect(new Set(batches.flat()).size).toBe(amount);
    expect(details.executionHistory.map((line) => line.event)).toContain(`added ${amount} rooms`);
    // Its steps name their operation, for the failed-rooms counter.
    expect(calls.map((call) => (call.input as { operation?: string }).operation)).toEqual([
      'add_rooms',
      'add_rooms',
    ]);
    expect(metrics).toEqual([
      {
        method: 'operationExecuted',
        event: {
          game: '',
          scheduler: details.schedulerName,
          operation: 'add_rooms',
          isSuccess: true,
          durationMs: expect.any(Number) as number,
        },
      },
    ]);
  });

  it('creates at most the limit when add_rooms asks for more', async () => {
    const { calls } = await harness.run(
      'add_rooms',
      { amount: ADD_ROOMS_LIMIT + 1 },
      {
        createRooms: async () => {},
      },
    );

    const created = calls.flatMap((call) => (call.input as { roomIds: string[] }).roomIds);
    expect(created).toHaveLength(ADD_ROOMS_LIMIT);
  });

  it('ends in error naming the failed batches when a creation step fails', async () => {
    let attempt = 0;
    const { details, metrics } = await harness.run(
      'add_rooms',
      { amount: ADD_ROOMS_BATCH_SIZE * 2 },
      {
        createRooms: async () => {
          if (attempt++ === 0) throw ApplicationFailure.nonRetryable('no ports left', 'INTERNAL');
        },
      },
    );

    expect(details.status).toBe('error');
    expect(details.executionHistory.map((line) => line.event)).toContain(
      'Operation execution failed: 1 of 2 batches of rooms failed, first error: no ports left',
    );
    const labels = { game: '', scheduler: details.schedulerName, operation: 'add_rooms' };
    expect(metrics.map(({ method, event }) => ({ method, event }))).toEqual([
      {
        method: 'operationExecuted',
        event: { ...labels, isSuccess: false, durationMs: expect.any(Number) as number },
      },
      {
        method: 'operationRolledBack',
        event: { ...labels, isSuccess: true, durationMs: expect.any(Number) as number },
      },
    ]);
  });

  it('removes the listed rooms, then `amount` chosen ones besides them', async () => {
    const { details, calls } = await harness.run(
      'remove_rooms',
      { amount: 2, rooms_ids: ['room-a'], reason: 'scale_down' },
      {
        deleteRooms: async () => {},
        pickRoomsToRemove: async () => ['room-b', 'room-c'],
      },
    );

    expect(details.status).toBe('finished');
    const steps = calls.map(({ name, input }) => {
      const { roomIds, amount, exclude, reason, operation } = input as Record<string, unknown>;
      return { name, roomIds, amount, exclude, reason, operation };
    });
    expect(steps).toEqual([
      { name: 'deleteRooms', roomIds: ['room-a'], reason: 'scale_down', operation: 'remove_rooms' },
      { name: 'pickRoomsToRemove', amount: 2, exclude: ['room-a'] },
      {
        name: 'deleteRooms',
        roomIds: ['room-b', 'room-c'],
        reason: 'scale_down',
        operation: 'remove_rooms',
      },
    ]);
  });

  it('ends in error naming the field and its rule, running no step, when the input is wrong', async () => {
    const { details, calls, signals } = await harness.run(
      'add_rooms',
      { amount: 0 },
      {
        createRooms: async () => {},
      },
    );

    expect(details.status).toBe('error');
    const events = details.executionHistory.map((line) => line.event);
    expect(events).toContainEqual(
      expect.stringMatching(
        /^Operation execution failed: invalid input of operation add_rooms: amount: too small: expected an integer >=1, got 0$/,
      ),
    );
    expect(events).not.toContain('Starting operation rollback');
    expect(calls).toEqual([]);
    expect(details.input).toEqual({ amount: 0 });
    expect(signals.finished.map((summary) => summary.status)).toEqual(['error']);
  });

  it('names every wrong field of remove_rooms', async () => {
    const { details } = await harness.run('remove_rooms', { amount: -1, reason: 7 }, {});

    const failure = details.executionHistory.find((line) => line.event.includes('invalid input'));
    expect(failure?.event).toMatch(/amount: .*>=0/);
    expect(failure?.event).toMatch(/rooms_ids: /);
    expect(failure?.event).toMatch(/reason: .*string/);
  });
});
