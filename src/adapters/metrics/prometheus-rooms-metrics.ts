import { Counter, Gauge, type Registry } from 'prom-client';
import type { LaneBacklog } from '../../app/forwarder-lanes';
import type { ForwardDropReason, ForwardLabels, RoomsMetrics } from '../../ports/forwarder';

/** Where each registry's backlog gauges read from (several modules of one process share one). */
const backlogSources = new WeakMap<Registry, Array<() => LaneBacklog[]>>();

/**
 * The Rooms API's counters under Maestro's names (`maestro_api_*`), with a `forwarder` label
 * added to the forwarding counters so a failing backend stands out, plus what Maestro did not
 * have: coalesced resyncs, dropped events and each forwarder's queue and calls in flight.
 */
export class PrometheusRoomsMetrics implements RoomsMetrics {
  private readonly forwarded: Record<'room' | 'player', Record<'success' | 'failed', Counter>>;
  private readonly coalesced: Counter;
  private readonly dropped: Counter;
  private readonly pingForwardingFailures: Counter;
  private readonly pingFailures: Counter;

  constructor(private readonly registry: Registry) {
    // Several modules of one process (`start all`) share the registry and so these counters.
    const counter = (name: string, help: string, labelNames: string[]) =>
      (registry.getSingleMetric(name) as Counter | undefined) ??
      new Counter({ name, help, labelNames, registers: [registry] });
    const forwarding = ['game', 'scheduler', 'forwarder', 'code'];
    const outcome = (kind: string, success: string, failed: string) => ({
      success: counter(
        `maestro_api_success_${kind}_event_forwarding_total`,
        `${success}, per forwarder.`,
        forwarding,
      ),
      failed: counter(`maestro_api_failed_${kind}_event_forwarding_total`, failed, forwarding),
    });
    const failedHelp = (kind: string) =>
      `${kind} events whose forwarding failed (transport error, timeout or reply code other than 200).`;
    this.forwarded = {
      room: outcome('room', 'Room events forwarded with success', failedHelp('Room')),
      player: outcome('player', 'Player events forwarded with success', failedHelp('Player')),
    };
    this.coalesced = counter(
      'maestro_api_coalesced_room_event_forwarding_total',
      'Queued resyncs replaced by a newer state of their room before being sent (not a loss).',
      ['game', 'scheduler', 'forwarder'],
    );
    this.dropped = counter(
      'maestro_api_dropped_event_forwarding_total',
      'Events never sent to a forwarder, by reason (queue_full: its queue was at its bound; shutdown: still queued when the module stopped).',
      ['kind', 'game', 'scheduler', 'forwarder', 'reason'],
    );
    this.pingForwardingFailures = counter(
      'maestro_api_failed_ping_forwarding_total',
      'Pings recorded whose resync event could not be forwarded to every forwarder.',
      ['scheduler'],
    );
    this.pingFailures = counter(
      'maestro_api_ping_handler_update_room_failures_total',
      'Pings answered success false, by reason.',
      ['scheduler', 'reason'],
    );
    this.registerBacklogGauges();
  }

  /** Reports `read()`'s queues and calls in flight in the backlog gauges at every scrape. */
  observeBacklog(read: () => LaneBacklog[]): void {
    backlogSources.get(this.registry)?.push(read);
  }

  eventForwarded(event: ForwardLabels & { isSuccess: boolean; code: string }): void {
    const { kind, isSuccess, ...labels } = event;
    this.forwarded[kind][isSuccess ? 'success' : 'failed'].inc(labels);
  }

  eventCoalesced({ game, scheduler, forwarder }: ForwardLabels): void {
    this.coalesced.inc({ game, scheduler, forwarder });
  }

  eventDropped(event: ForwardLabels & { reason: ForwardDropReason }): void {
    this.dropped.inc({ ...event });
  }

  pingForwardingFailed(scheduler: string): void {
    this.pingForwardingFailures.inc({ scheduler });
  }

  pingFailed(scheduler: string, reason: string): void {
    this.pingFailures.inc({ scheduler, reason });
  }

  private registerBacklogGauges(): void {
    if (backlogSources.has(this.registry)) return;
    const sources: Array<() => LaneBacklog[]> = [];
    backlogSources.set(this.registry, sources);
    const gauge = (name: string, help: string, field: 'queued' | 'inFlight') =>
      new Gauge({
        name,
        help,
        labelNames: ['scheduler', 'forwarder'],
        registers: [this.registry],
        collect() {
          this.reset();
          for (const read of sources) {
            for (const lane of read()) {
              this.inc({ scheduler: lane.scheduler, forwarder: lane.forwarder }, lane[field]);
            }
          }
        },
      });
    gauge(
      'maestro_api_event_forwarding_queued',
      'Events waiting for a forwarder (bounded by MAESTRO_FORWARDING_MAX_QUEUED).',
      'queued',
    );
    gauge(
      'maestro_api_event_forwarding_in_flight',
      'Calls in flight toward a forwarder (bounded by MAESTRO_FORWARDING_MAX_IN_FLIGHT).',
      'inFlight',
    );
  }
}
