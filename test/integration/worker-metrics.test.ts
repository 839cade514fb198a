import { randomUUID } from 'node:crypto';
import type { Registry } from 'prom-client';
import { enqueueOperationSignal, schedulerWorkflowId } from '../../workflows/messages';
import { OperationsHarness } from '../support/operations-harness';
import { eventually } from '../support/runtime-contract';

/** Maestro's metrics of the worker, watcher and Rooms API modules, on the real services. */
describe('worker metrics on Temporal', () => {
  const harness = new OperationsHarness();
  const name = (label: string) => `${label}-${harness.suffix}`;
  const registry = () => harness.system!.registry;

  beforeAll(() => harness.start());
  afterAll(() => harness.stop());

  async function createdScheduler(label: string, overrides: Record<string, unknown> = {}) {
    const scheduler = name(label);
    await harness.commands.createScheduler(harness.schedulerInput(scheduler, overrides));
    await eventually(async () => {
      const { operations } = await harness.operations.list({
        schedulerName: scheduler,
        stage: 'final',
      });
      expect(operations.map((operation) => operation.status)).toEqual(['finished']);
    }, 30_000);
    return scheduler;
  }

  it('records an add_rooms execution labelled with its game, scheduler and operation, the watcher events and the rooms pings', async () => {
    const scheduler = await createdScheduler('added');

    const id = await harness.queue.enqueue(scheduler, 'add_rooms', { amount: 2 });
    await harness.waitForOperation(scheduler, id, 'finished');

    const labels = { game: 'tennis', scheduler, operation: 'add_rooms' };
    await eventually(async () => {
      expect(
        await valueOf(registry(), 'maestro_worker_operation_execution_latency_count', {
          ...labels,
          success: 'true',
        }),
      ).toBe(1);
      expect(
        await valueOf(registry(), 'maestro_watcher_number_of_events_processed_total', {
          scheduler,
          success: 'true',
        }),
      ).toBeGreaterThanOrEqual(2);
      expect(
        await valueOf(registry(), 'http_request_duration_seconds_count', {
          service: 'rooms-api',
          handler: '/scheduler/:schedulerName/rooms/:roomID/ping',
          method: 'PUT',
          code: '200',
        }),
      ).toBeGreaterThanOrEqual(2);
    }, 30_000);
    expect(
      await valueOf(registry(), 'maestro_worker_operation_execution_latency_count', {
        ...labels,
        success: 'false',
      }),
    ).toBe(0);
  });

  it('counts the room left without a host port, the failed execution and its rollback when add_rooms fails', async () => {
    // Two host ports for three rooms, outside the ranges of the harness's other schedulers.
    const port = 60_000 + Math.floor(Math.random() * 5_000);
    const scheduler = await createdScheduler('no-ports', {
      portRange: { start: port, end: port + 1 },
    });

    const id = await harness.queue.enqueue(scheduler, 'add_rooms', { amount: 3 });
    await harness.waitForOperation(scheduler, id, 'error');

    const labels = { game: 'tennis', scheduler, operation: 'add_rooms' };
    await eventually(async () => {
      expect(
        await valueOf(registry(), 'maestro_worker_add_rooms_operation_execution_failed_total', {
          scheduler,
          operation: 'add_rooms',
        }),
      ).toBe(1);
      expect(
        await valueOf(registry(), 'maestro_worker_operation_execution_latency_count', {
          ...labels,
          success: 'false',
        }),
      ).toBe(1);
      expect(
        await valueOf(registry(), 'maestro_worker_operation_rollback_latency_count', {
          ...labels,
          success: 'true',
        }),
      ).toBe(1);
    }, 30_000);
  });

  it('counts an operation of an unknown definition as evicted', async () => {
    const scheduler = await createdScheduler('evicted');

    await harness.client.workflow
      .getHandle(schedulerWorkflowId(scheduler))
      .signal(enqueueOperationSignal, {
        id: randomUUID(),
        definitionName: 'no_such_operation',
        input: {},
        createdAt: new Date().toISOString(),
      });

    await eventually(async () => {
      expect(
        await valueOf(registry(), 'maestro_worker_operation_evicted_total', {
          game: 'tennis',
          scheduler,
          operation: 'no_such_operation',
          reason: 'no_operation_executor_found',
        }),
      ).toBe(1);
    }, 30_000);
  });
});

/** The sum of the samples of `metricName` whose labels include `labels` (0 when none). */
async function valueOf(
  registry: Registry,
  metricName: string,
  labels: Record<string, string>,
): Promise<number> {
  const family = metricName.replace(/_(count|sum|bucket)$/, '');
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === family);
  const samples = (metric?.values ?? []) as Array<{
    labels: Record<string, string | number>;
    value: number;
    metricName?: string;
  }>;
  return samples
    .filter((sample) => (sample.metricName ?? family) === metricName)
    .filter((sample) =>
      Object.entries(labels).every(([key, value]) => String(sample.labels[key]) === value),
    )
    .reduce((sum, sample) => sum + sample.value, 0);
}
