import { Gauge, type Registry } from 'prom-client';
import type { SchedulerGauges, SchedulerMetricsSnapshot } from '../../app/scheduler-metrics';
import { INSTANCE_STATUSES } from '../../domain/game-room/instance';
import { ROOM_STATUSES } from '../../domain/game-room/status';

const LABELS = ['game', 'scheduler'];

/** Room statuses Maestro reports as `maestro_worker_gru_<status>`. */
const REPORTED_ROOM_STATUSES = ROOM_STATUSES.filter((status) => status !== 'terminated');

/**
 * The metrics reporter's per-scheduler gauges under Maestro's names and labels
 * (`maestro_worker_*{game,scheduler}`), plus the health controller's desired and current rooms.
 */
export class PrometheusSchedulerMetrics implements SchedulerGauges {
  private readonly gauges = new Map<string, Gauge>();

  constructor(private readonly registry: Registry) {}

  report(snapshot: SchedulerMetricsSnapshot): void {
    const labels = { game: snapshot.game, scheduler: snapshot.scheduler };
    for (const status of REPORTED_ROOM_STATUSES) {
      this.gauge(`gru_${status}`, `Rooms of the scheduler in status ${status}.`).set(
        labels,
        snapshot.rooms[status],
      );
    }
    for (const status of INSTANCE_STATUSES) {
      this.gauge(
        `instance_${status}`,
        `Runtime instances of the scheduler in status ${status}.`,
      ).set(labels, snapshot.instances[status]);
    }
    const values: Array<[string, string, number]> = [
      ['running_matches', 'Matches the rooms report running.', snapshot.runningMatches],
      [
        'max_matches',
        'Matches one room hosts at most (matchAllocation.maxMatches).',
        snapshot.maxMatches,
      ],
      [
        'ready_target',
        'The roomOccupancy policy readyTarget (0 without it).',
        snapshot.readyTarget,
      ],
      ['fixed_buffer', 'The fixedBuffer policy amount (0 without it).', snapshot.fixedBuffer],
      ['desired_rooms', 'Rooms the health controller aims for.', snapshot.desiredRooms],
      ['current_rooms', 'Rooms that count toward the scheduler size.', snapshot.currentRooms],
      [
        'rooms_with_termination_timeout',
        'Rooms terminating, silent, past the deletion timeout and grace period (force-deleted).',
        snapshot.roomsWithTerminationTimeout,
      ],
      [
        'rooms_properly_terminated',
        'Rooms that reported terminated and are not removed yet.',
        snapshot.roomsProperlyTerminated,
      ],
    ];
    for (const [name, help, value] of values) this.gauge(name, help).set(labels, value);
  }

  remove(scheduler: string, game: string): void {
    for (const gauge of this.gauges.values()) gauge.remove({ game, scheduler });
  }

  private gauge(suffix: string, help: string): Gauge {
    const name = `maestro_worker_${suffix}`;
    let gauge = this.gauges.get(name);
    if (!gauge) {
      // Several reporters of one process (tests, `start all`) share the registry.
      gauge =
        (this.registry.getSingleMetric(name) as Gauge | undefined) ??
        new Gauge({ name, help, labelNames: LABELS, registers: [this.registry] });
      this.gauges.set(name, gauge);
    }
    return gauge;
  }
}
