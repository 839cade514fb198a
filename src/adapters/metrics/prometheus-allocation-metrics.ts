import type { Counter, Histogram, Registry } from 'prom-client';
import type { AllocationWaitMetrics, AllocationWaitOutcome } from '../../ports/allocation-metrics';
import { sharedCounter, sharedHistogram } from './prometheus-metric';

const LABELS = ['game', 'scheduler', 'outcome'];
/** Milliseconds: a room's start (hundreds of ms) up to the longest wait a request may ask (2 m). */
const WAIT_BUCKETS_MS = [50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000, 60_000, 120_000];

/**
 * The Rooms API's allocations that waited for a room (wake on allocate), as they ended:
 * `maestro_rooms_api_allocation_waits_total` and `maestro_rooms_api_allocation_wait_latency`
 * (milliseconds), by `outcome` — `served`, `expired`, `gone` or `failed`. An allocation answered
 * at once (a room was ready, or it may not wait) is not counted.
 */
export class PrometheusAllocationMetrics implements AllocationWaitMetrics {
  private readonly waits: Counter;
  private readonly latency: Histogram;

  constructor(registry: Registry) {
    this.waits = sharedCounter(
      registry,
      'maestro_rooms_api_allocation_waits_total',
      'Allocations that waited for a room, by how they ended (served, expired, gone, failed).',
      LABELS,
    );
    this.latency = sharedHistogram(
      registry,
      'maestro_rooms_api_allocation_wait_latency',
      'Milliseconds an allocation waited for a room, by how it ended.',
      LABELS,
      WAIT_BUCKETS_MS,
    );
  }

  allocationWaited(record: {
    game: string;
    scheduler: string;
    outcome: AllocationWaitOutcome;
    durationMs: number;
  }): void {
    const labels = { game: record.game, scheduler: record.scheduler, outcome: record.outcome };
    this.waits.inc(labels);
    this.latency.observe(labels, record.durationMs);
  }
}
