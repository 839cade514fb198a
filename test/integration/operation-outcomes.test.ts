/**
 * How an operation tells its scheduler workflow its final status (`TemporalOperationOutcomes`, the
 * local activity at the end of every operation): the scheduler's listing has it once the call
 * returns, once however often it is told (a retried step), and a scheduler that does not run is
 * not an error.
 */
import { TemporalOperationOutcomes } from '../../src/adapters/temporal/temporal-operation-outcomes';
import { OperationStatus, type OperationSummary } from '../../src/domain/operations/operation';
import { OperationsHarness } from '../support/operations-harness';
import { eventually } from '../support/runtime-contract';

describe('telling a scheduler workflow an operation ended', () => {
  const harness = new OperationsHarness();
  let outcomes: TemporalOperationOutcomes;

  beforeAll(async () => {
    await harness.start();
    outcomes = new TemporalOperationOutcomes(harness.client);
  });
  afterAll(() => harness.stop());

  const summary = (schedulerName: string, id: string): OperationSummary => ({
    id,
    schedulerName,
    definitionName: 'add_rooms',
    status: OperationStatus.FINISHED,
    createdAt: '2026-12-05T00:00:00.000Z',
    updatedAt: '2026-12-05T00:00:01.000Z',
    hasNoAction: false,
  });

  it('lists the operation final once when it is told twice', async () => {
    const scheduler = `told-${harness.suffix}`;
    await harness.commands.createScheduler(harness.schedulerInput(scheduler));
    await eventually(async () =>
      expect((await harness.schedulers.getScheduler(scheduler))?.state).toBe('in-sync'),
    );
    const told = summary(scheduler, `told-twice-${harness.suffix}`);

    await outcomes.tell(told);
    await outcomes.tell(told);

    const { finished } = await harness.queue.list(scheduler);
    expect(finished.filter((operation) => operation.id === told.id)).toEqual([told]);
  });

  it('resolves when the scheduler workflow does not exist', async () => {
    await expect(
      outcomes.tell(summary(`absent-${harness.suffix}`, `nobody-${harness.suffix}`)),
    ).resolves.toBeUndefined();
  });
});
