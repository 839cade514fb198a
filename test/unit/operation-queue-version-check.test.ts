/**
 * The version-conflict check reads the scheduler workflow's small `ongoingVersionOperation` query;
 * a worker on code from before that query (a rolling deploy) has no handler for it, and the
 * listing answers instead. The Temporal client is a stand-in that answers the two queries.
 */
import { QueryNotRegisteredError, type Client } from '@temporalio/client';
import { status as grpcStatus } from '@grpc/grpc-js';
import { TemporalOperationQueue } from '../../src/adapters/temporal/temporal-operation-queue';
import { firstVersionOperation } from '../../src/domain/operations/definitions';
import { OperationStatus, type OperationSummary } from '../../src/domain/operations/operation';
import type { SchedulerOperations } from '../../workflows/messages';

const summary = (
  id: string,
  definitionName: string,
  status: OperationStatus,
): OperationSummary => ({
  id,
  schedulerName: 's',
  definitionName,
  status,
  createdAt: '2026-12-05T00:00:00.000Z',
  updatedAt: '2026-12-05T00:00:00.000Z',
  hasNoAction: false,
});

const stages: SchedulerOperations = {
  pending: [
    summary('add', 'add_rooms', OperationStatus.PENDING),
    summary('switch', 'switch_active_version', OperationStatus.PENDING),
  ],
  active: [summary('version', 'create_new_scheduler_version', OperationStatus.IN_PROGRESS)],
  finished: [summary('old', 'switch_active_version', OperationStatus.FINISHED)],
};

/** A client whose scheduler workflow answers `listOperations`, and the new query unless `isOld`. */
function queueOn(isOld: boolean) {
  const asked: string[] = [];
  const client = {
    connection: { withDeadline: (_deadline: number, fn: () => Promise<unknown>) => fn() },
    workflow: {
      getHandle: () => ({
        query: ({ name }: { name: string }) => {
          asked.push(name);
          if (name === 'listOperations') return Promise.resolve(stages);
          if (isOld) {
            return Promise.reject(
              new QueryNotRegisteredError(
                `Workflow did not register a handler for ${name}`,
                grpcStatus.INVALID_ARGUMENT,
              ),
            );
          }
          return Promise.resolve(firstVersionOperation([...stages.pending, ...stages.active]));
        },
        // The lease of an active operation: the listing's, not the conflict check's business.
        describe: () => {
          asked.push('describe');
          return Promise.resolve({ raw: { pendingActivities: [] } });
        },
      }),
    },
  } as unknown as Client;
  const queue = new TemporalOperationQueue(client, {
    taskQueue: 'q',
    healthControllerIntervalMs: 60_000,
    finishedOperationsLimit: 10,
    callTimeoutMs: 1_000,
    supervision: {} as never,
  });
  return { queue, asked };
}

describe('the version-conflict check', () => {
  it('finds the pending version change before the running one, over the small query', async () => {
    const { queue, asked } = queueOn(false);

    const ongoing = await queue.ongoingVersionOperation('s');

    expect(ongoing?.id).toBe('switch');
    expect(asked).toEqual(['ongoingVersionOperation']);
  });

  it('asks the listing when the worker has no handler for the query yet', async () => {
    const { queue, asked } = queueOn(true);

    const ongoing = await queue.ongoingVersionOperation('s');

    expect(ongoing?.id).toBe('switch');
    expect(asked).toEqual(['ongoingVersionOperation', 'listOperations']);
  });
});

describe('firstVersionOperation', () => {
  it('returns the first version change of the list, skipping other definitions', () => {
    expect(firstVersionOperation(stages.pending)?.id).toBe('switch');
    expect(firstVersionOperation([stages.pending[0]!])).toBeUndefined();
    expect(firstVersionOperation(stages.active)?.id).toBe('version');
  });
});
