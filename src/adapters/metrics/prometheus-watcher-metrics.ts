import type { Counter, Registry } from 'prom-client';
import type { InstanceEvent } from '../../domain/game-room/instance';
import type { WatcherMetrics } from '../../ports/watcher-metrics';
import { sharedCounter } from './prometheus-metric';

/** The runtime watcher's counter under Maestro's name and labels. */
export class PrometheusWatcherMetrics implements WatcherMetrics {
  private readonly processed: Counter;

  constructor(registry: Registry) {
    this.processed = sharedCounter(
      registry,
      'maestro_watcher_number_of_events_processed_total',
      'Runtime instance changes applied to room storage (success true) or given up until the next resync (false).',
      ['scheduler', 'instanceEventType', 'success'],
    );
  }

  eventProcessed(event: { scheduler: string; type: InstanceEvent['type']; isSuccess: boolean }) {
    this.processed.inc({
      scheduler: event.scheduler,
      instanceEventType: event.type,
      success: String(event.isSuccess),
    });
  }
}
