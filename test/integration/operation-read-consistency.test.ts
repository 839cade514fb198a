/**
 * Reads of an operation agree: once `GET …/operations/{id}` answers a final status, the listing no
 * longer shows the operation pending or active, and the version-conflict check no longer counts it.
 */
import type { temporal } from '@temporalio/proto';
import { schedulerWorkflowId } from '../../workflows/messages';
import { OperationsHarness } from '../support/operations-harness';
import { eventually } from '../support/runtime-contract';

const FINAL = ['finished', 'error', 'canceled', 'evicted'];

describe('operation reads after an operation ends', () => {
  const harness = new OperationsHarness();
  const name = (label: string) => `${label}-${harness.suffix}`;

  beforeAll(() => harness.start());
  afterAll(() => harness.stop());

  async function createdScheduler(label: string) {
    const scheduler = name(label);
    await harness.commands.createScheduler(harness.schedulerInput(scheduler));
    await eventually(async () =>
      expect((await harness.schedulers.getScheduler(scheduler))?.state).toBe('in-sync'),
    );
    return scheduler;
  }

  /** Reads the operation as often as it can until it reads as final. */
  async function readUntilFinal(scheduler: string, id: string) {
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const operation = await harness.operations.get(scheduler, id).catch(() => undefined);
      if (operation && FINAL.includes(operation.status)) return operation;
    }
    throw new Error(`operation ${id} did not end`);
  }

  it('lists the operation as finished and accepts the next version change as soon as it reads finished', async () => {
    const scheduler = await createdScheduler('consistent');

    for (let round = 0; round < 10; round++) {
      // switch_active_version to the active version: a version change that ends in moments.
      const id = await harness.commands.switchActiveVersion(scheduler, 'v1.0.0');
      const read = await readUntilFinal(scheduler, id);
      const pending = await harness.operations.list({ schedulerName: scheduler, stage: 'pending' });
      const active = await harness.operations.list({ schedulerName: scheduler, stage: 'active' });
      const final = await harness.operations.list({ schedulerName: scheduler, stage: 'final' });

      expect(read.status).toBe('finished');
      expect([...pending.operations, ...active.operations].map((op) => op.id)).not.toContain(id);
      expect(final.operations.find((op) => op.id === id)?.status).toBe('finished');
    }
    // The last round's switch no longer counts as ongoing: the next one is accepted.
    await expect(harness.commands.switchActiveVersion(scheduler, 'v1.0.0')).resolves.toEqual(
      expect.any(String),
    );
  });

  it('has the scheduler workflow hear the final status before the operation records it', async () => {
    const scheduler = await createdScheduler('order');
    const id = await harness.commands.switchActiveVersion(scheduler, 'v1.0.0');
    await harness.waitForOperation(scheduler, id, 'finished');

    const events = await eventsOf(id);
    const heard = (await eventsOf(schedulerWorkflowId(scheduler))).find(
      (event) =>
        event.workflowExecutionSignaledEventAttributes?.signalName === 'operationFinished' &&
        payloadText(event.workflowExecutionSignaledEventAttributes.input).includes(id),
    );
    const told = events.findIndex((event) =>
      payloadText(event.markerRecordedEventAttributes?.details?.['data']).includes(
        'tellSchedulerFinalStatus',
      ),
    );
    const lastStatusUpsert = events.findLastIndex(
      (event) => event.upsertWorkflowSearchAttributesEventAttributes != null,
    );
    // The workflow task that recorded the final status (search attribute, completion).
    const recorded = events.findLast(
      (event, i) => i < lastStatusUpsert && event.workflowTaskCompletedEventAttributes != null,
    );

    expect(heard).toBeDefined();
    expect(told).toBeGreaterThan(-1);
    // The final status search attribute (and the query's status with it) comes after the telling…
    expect(lastStatusUpsert).toBeGreaterThan(told);
    // …and the scheduler's history held the signal before the operation recorded it.
    expect(timeOf(heard!)).toBeLessThanOrEqual(timeOf(recorded!));
  });

  async function eventsOf(workflowId: string) {
    return (await harness.client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
  }
});

function payloadText(payloads: temporal.api.common.v1.IPayloads | null | undefined): string {
  return (payloads?.payloads ?? [])
    .map((payload) => Buffer.from(payload.data ?? []).toString('utf8'))
    .join('');
}

function timeOf(event: temporal.api.history.v1.IHistoryEvent): number {
  return Number(event.eventTime?.seconds ?? 0) * 1000 + (event.eventTime?.nanos ?? 0) / 1e6;
}
