/**
 * delete_scheduler's wait for the rooms is bounded from the activity's first attempt: a retry (after
 * a worker crash or a timeout) does not start the wait again. The ports are fakes (a pure unit of
 * the activity's decision); the Kubernetes test runs it for real.
 */
import type { Logger } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import {
  createSchedulerActivities,
  type SchedulerActivityDeps,
} from '../../activities/scheduler-activities';

const TIMEOUT_MS = 2_000;

/** A runtime whose one room never goes (a pod held by a finalizer), and what was deleted. */
function deletionFakes() {
  const deleted: string[] = [];
  const deps = {
    schedulerDeletionTimeoutMs: TIMEOUT_MS,
    runtime: {
      deleteSchedulerSpace: async () => void deleted.push('space'),
      listRooms: async () => [{ id: 'stuck' }],
    },
    rooms: {
      listRoomIds: async () => ['stuck'],
      removeRoom: async (_scheduler: string, roomId: string) => void deleted.push(`room ${roomId}`),
    },
    ports: { release: async () => undefined },
    schedulers: { deleteScheduler: async () => void deleted.push('rows') },
    cacheInvalidator: { invalidate: async () => undefined },
  } as unknown as SchedulerActivityDeps;
  return { deps, deleted };
}

/** The activity's log lines, as an operator would read them. */
function capturingLogger() {
  const warnings: Array<{ message: string; meta?: Record<string, unknown> }> = [];
  const ignore = () => undefined;
  const logger: Logger = {
    log: ignore,
    trace: ignore,
    debug: ignore,
    info: ignore,
    warn: (message, meta) => void warnings.push({ message, meta }),
    error: ignore,
  };
  return { logger, warnings };
}

describe('deleteScheduler activity', () => {
  it('waits out the timeout, then deletes the rows anyway and reports the rooms left', async () => {
    const { deps, deleted } = deletionFakes();
    const { logger, warnings } = capturingLogger();
    const environment = new MockActivityEnvironment(
      { scheduledTimestampMs: Date.now() },
      { logger },
    );

    const started = Date.now();
    const result = await environment.run(createSchedulerActivities(deps).deleteScheduler, {
      schedulerName: 'tennis',
    });

    expect(Date.now() - started).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
    expect(result).toEqual({ roomsLeft: 1 });
    expect(deleted).toEqual(['space', 'room stuck', 'rows']);
    expect(warnings).toEqual([
      {
        message: 'rooms still there after the deletion wait; deleting the scheduler anyway',
        meta: expect.objectContaining({ schedulerName: 'tennis', roomsLeft: 1 }) as unknown,
      },
    ]);
  });

  it('does not wait again when a retry starts after the timeout of the first attempt', async () => {
    const { deps, deleted } = deletionFakes();
    const environment = new MockActivityEnvironment(
      { attempt: 4, scheduledTimestampMs: Date.now() - TIMEOUT_MS - 1 },
      { logger: capturingLogger().logger },
    );

    const started = Date.now();
    const result = await environment.run(createSchedulerActivities(deps).deleteScheduler, {
      schedulerName: 'tennis',
    });

    expect(Date.now() - started).toBeLessThan(TIMEOUT_MS / 2);
    expect(result).toEqual({ roomsLeft: 1 });
    expect(deleted).toEqual(['space', 'room stuck', 'rows']);
  });
});
