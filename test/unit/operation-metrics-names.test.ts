import { Registry } from 'prom-client';
import { PrometheusOperationMetrics } from '../../src/adapters/metrics/prometheus-operation-metrics';
import { PrometheusWatcherMetrics } from '../../src/adapters/metrics/prometheus-watcher-metrics';

/** Dashboards and alerts written for Maestro read these exact names, labels and buckets. */
describe("the worker's metrics under Maestro's names", () => {
  it('exposes operation latencies in milliseconds on Maestro buckets with its labels', async () => {
    const registry = new Registry();
    const metrics = new PrometheusOperationMetrics(registry);
    const labels = { game: 'tennis', scheduler: 's1', operation: 'add_rooms' };

    metrics.operationExecuted({ ...labels, isSuccess: true, durationMs: 30 });
    metrics.operationRolledBack({ ...labels, isSuccess: false, durationMs: 7 });
    const text = await registry.metrics();

    expect(text).toContain(
      'maestro_worker_operation_execution_latency_bucket{le="25",game="tennis",scheduler="s1",operation="add_rooms",success="true"} 0',
    );
    expect(text).toContain(
      'maestro_worker_operation_execution_latency_bucket{le="50",game="tennis",scheduler="s1",operation="add_rooms",success="true"} 1',
    );
    expect(text).toContain(
      'maestro_worker_operation_rollback_latency_sum{game="tennis",scheduler="s1",operation="add_rooms",success="false"} 7',
    );
    expect(text).toContain('maestro_worker_operation_execution_latency_bucket{le="10000",');
  });

  it('counts evictions, start failures, failed rooms and watcher events under their Maestro names', async () => {
    const registry = new Registry();
    const metrics = new PrometheusOperationMetrics(registry);
    const watcher = new PrometheusWatcherMetrics(registry);

    metrics.operationEvicted({
      game: 'tennis',
      scheduler: 's1',
      operation: 'x',
      reason: 'no_operation_executor_found',
    });
    metrics.operationStartFailed({ game: 'tennis', scheduler: 's1' });
    metrics.roomCreationFailed({ scheduler: 's1', operation: 'add_rooms' });
    metrics.roomCreationFailed({ scheduler: 's1', operation: 'add_rooms' });
    metrics.roomsDeletionFailed({ scheduler: 's1', operation: 'remove_rooms' });
    watcher.eventProcessed({ scheduler: 's1', type: 'deleted', isSuccess: false });
    const text = await registry.metrics();

    expect(text.split('\n').filter((line) => !line.startsWith('#') && line !== '')).toEqual([
      'maestro_worker_operation_evicted_total{game="tennis",scheduler="s1",operation="x",reason="no_operation_executor_found"} 1',
      'maestro_worker_operation_execution_worker_failed_total{game="tennis",scheduler="s1",reason="start_operation_failed"} 1',
      'maestro_worker_add_rooms_operation_execution_failed_total{scheduler="s1",operation="add_rooms"} 2',
      'maestro_worker_remove_rooms_operation_deletion_failed_total_total{scheduler="s1",operation="remove_rooms"} 1',
      'maestro_watcher_number_of_events_processed_total{scheduler="s1",instanceEventType="deleted",success="false"} 1',
    ]);
  });

  it('shares its metrics between modules of one process on one registry', () => {
    const registry = new Registry();

    new PrometheusOperationMetrics(registry);
    const second = () => new PrometheusOperationMetrics(registry);

    expect(second).not.toThrow();
  });
});
