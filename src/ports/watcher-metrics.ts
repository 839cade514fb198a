import type { InstanceEvent } from '../domain/game-room/instance';

/**
 * What the runtime watcher counts (Prometheus in production, Maestro's
 * `maestro_watcher_number_of_events_processed_total`). Must not throw.
 */
export interface WatcherMetrics {
  /**
   * One instance change of `scheduler` applied to room storage (`isSuccess`) or given up (the
   * next resync repairs it). Changes found by a resync count as `updated` or `deleted` too.
   */
  eventProcessed(event: {
    scheduler: string;
    type: InstanceEvent['type'];
    isSuccess: boolean;
  }): void;
}
