import { Counter, type Registry } from 'prom-client';
import type { RoomsMetrics } from '../../ports/forwarder';

/**
 * The Rooms API's counters under Maestro's names (`maestro_api_*`), with a `forwarder` label
 * added to the forwarding counters so a failing backend stands out.
 */
export class PrometheusRoomsMetrics implements RoomsMetrics {
  private readonly forwarded: Record<'room' | 'player', Record<'success' | 'failed', Counter>>;
  private readonly pingForwardingFailures: Counter;
  private readonly pingFailures: Counter;

  constructor(registry: Registry) {
    // Several modules of one process (`start all`) share the registry and so these counters.
    const counter = (name: string, help: string, labelNames: string[]) =>
      (registry.getSingleMetric(name) as Counter | undefined) ??
      new Counter({ name, help, labelNames, registers: [registry] });
    const forwarding = ['game', 'scheduler', 'forwarder', 'code'];
    this.forwarded = {
      room: {
        success: counter(
          'maestro_api_success_room_event_forwarding_total',
          'Room events forwarded with success, per forwarder.',
          forwarding,
        ),
        failed: counter(
          'maestro_api_failed_room_event_forwarding_total',
          'Room events whose forwarding failed (transport error, timeout or reply code other than 200).',
          forwarding,
        ),
      },
      player: {
        success: counter(
          'maestro_api_success_player_event_forwarding_total',
          'Player events forwarded with success, per forwarder.',
          forwarding,
        ),
        failed: counter(
          'maestro_api_failed_player_event_forwarding_total',
          'Player events whose forwarding failed (transport error, timeout or reply code other than 200).',
          forwarding,
        ),
      },
    };
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
  }

  eventForwarded(event: Parameters<RoomsMetrics['eventForwarded']>[0]): void {
    const { kind, isSuccess, ...labels } = event;
    this.forwarded[kind][isSuccess ? 'success' : 'failed'].inc(labels);
  }

  pingForwardingFailed(scheduler: string): void {
    this.pingForwardingFailures.inc({ scheduler });
  }

  pingFailed(scheduler: string, reason: string): void {
    this.pingFailures.inc({ scheduler, reason });
  }
}
