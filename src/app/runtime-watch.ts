import type { Logger } from 'pino';
import type { GameRoomInstance, InstanceEvent } from '../domain/game-room/instance';
import { InstanceStatus } from '../domain/game-room/instance';
import type { GameRoom } from '../domain/game-room/room';
import { RoomStatus } from '../domain/game-room/status';
import type { PortAllocator } from '../ports/port-allocator';
import type { RoomLifecycle } from '../ports/room-lifecycle';
import type { RoomStore } from '../ports/room-store';
import type { Runtime } from '../ports/runtime';
import type { WatcherMetrics } from '../ports/watcher-metrics';
import type { SchedulerStore } from '../ports/scheduler-store';
import type { SupervisedWorkOutcome } from './supervised-work';

export interface RuntimeWatchDeps {
  schedulers: SchedulerStore;
  runtime: Runtime;
  rooms: RoomStore;
  lifecycle: RoomLifecycle;
  ports: PortAllocator;
  log: Logger;
  /** How often room storage is compared with the runtime's full list. */
  resyncIntervalMs: number;
  /** How often the disruption budget is recomputed. */
  disruptionIntervalMs: number;
  /** Counts the instance changes applied or given up. */
  metrics: WatcherMetrics;
}

/** What the last resync repaired (for logs and tests). */
export interface ResyncReport {
  updated: number;
  deleted: number;
  adopted: number;
}

/**
 * The runtime watcher of one scheduler: applies every instance change the runtime reports to room
 * storage (through `RoomLifecycle`, which recomputes statuses and forwards `terminated`), frees a
 * room's host ports once its instance is gone, compares storage with the runtime's full list
 * every resync interval (and at start, so whatever happened while no watcher ran is repaired),
 * and keeps the disruption budget at the number of rooms in use. Changes of one room are applied
 * in order; different rooms proceed concurrently.
 */
export class RuntimeWatch {
  private readonly chains = new Map<string, Promise<void>>();
  private lastBudget: number | undefined;

  constructor(
    private readonly deps: RuntimeWatchDeps,
    private readonly scheduler: string,
    /** Called after each applied instance change (the health watch looks again). */
    private readonly onRoomChanged: () => void = () => {},
  ) {}

  /** Watches until `signal` aborts (`stopped`) or the scheduler no longer exists. */
  async run(signal: AbortSignal): Promise<SupervisedWorkOutcome> {
    const session = new AbortController();
    const stop = () => session.abort();
    signal.addEventListener('abort', stop);
    let outcome: SupervisedWorkOutcome = 'stopped';
    const endIfDeleted = (exists: boolean) => {
      if (!exists) {
        outcome = 'scheduler_deleted';
        session.abort();
      }
    };
    const timers = [
      setInterval(
        () => void this.guard('resync', () => this.resync().then(endIfDeleted)),
        this.deps.resyncIntervalMs,
      ),
      setInterval(
        () => void this.guard('disruption budget', () => this.keepDisruptionBudget()),
        this.deps.disruptionIntervalMs,
      ),
    ];
    try {
      await this.guard('resync', () => this.resync().then(endIfDeleted));
      await this.guard('disruption budget', () => this.keepDisruptionBudget());
      if (!session.signal.aborted) {
        for await (const event of this.deps.runtime.watchRooms(this.scheduler, session.signal)) {
          this.dispatch(event);
        }
      }
    } finally {
      timers.forEach(clearInterval);
      signal.removeEventListener('abort', stop);
      await Promise.all(this.chains.values());
    }
    return outcome;
  }

  /**
   * Compares room storage with the runtime (storage read first: a room created in between is
   * then either in both lists or only in the runtime's, never wrongly taken for gone). Returns
   * false when the scheduler no longer exists.
   */
  async resync(): Promise<boolean> {
    if (!(await this.deps.schedulers.getScheduler(this.scheduler))) return false;
    const stored = await this.deps.rooms.listRooms(this.scheduler);
    const instances = await this.deps.runtime.listRooms(this.scheduler);
    const report = await this.reconcile(stored, instances);
    if (report.updated + report.deleted + report.adopted > 0) {
      this.deps.log.info({ scheduler: this.scheduler, ...report }, 'resync repaired room storage');
    }
    return true;
  }

  private async reconcile(stored: GameRoom[], instances: GameRoomInstance[]) {
    const report: ResyncReport = { updated: 0, deleted: 0, adopted: 0 };
    const storedById = new Map(stored.map((room) => [room.id, room]));
    const live = new Set(instances.map((instance) => instance.id));
    for (const instance of instances) {
      const room = storedById.get(instance.id);
      if (!room) {
        // An instance maestro has no record of (room storage lost, or a crash between steps):
        // adopt it. A real room pings and lives on; one that never does expires.
        await this.deps.rooms.createRoom({
          id: instance.id,
          scheduler: this.scheduler,
          version: instance.version,
        });
        report.adopted += 1;
        this.dispatch({ type: 'updated', instance });
      } else if (!isSameInstance(room.instance, instance)) {
        report.updated += 1;
        this.dispatch({ type: 'updated', instance });
      }
    }
    for (const room of stored) {
      const isGone = room.instance !== undefined || room.status === RoomStatus.TERMINATING;
      if (live.has(room.id) || !isGone) continue; // never seen by the runtime yet: being created
      report.deleted += 1;
      this.dispatch({ type: 'deleted', instance: room.instance ?? placeholderOf(room) });
    }
    await Promise.all(this.chains.values());
    return report;
  }

  /** Keeps at least the rooms in use through voluntary disruptions (node drains). */
  private async keepDisruptionBudget(): Promise<void> {
    const counts = await this.deps.rooms.countRooms(this.scheduler);
    const inUse = counts.occupied + counts.active + counts.allocated;
    if (inUse === this.lastBudget) return;
    await this.deps.runtime.setDisruptionBudget(this.scheduler, inUse);
    this.lastBudget = inUse;
  }

  /** Applies the event after the earlier events of the same room. */
  private dispatch(event: InstanceEvent): void {
    const { id } = event.instance;
    const previous = this.chains.get(id) ?? Promise.resolve();
    const counted = (isSuccess: boolean) =>
      this.deps.metrics.eventProcessed({ scheduler: this.scheduler, type: event.type, isSuccess });
    const next = previous
      .then(() => this.apply(event))
      .then(
        () => counted(true),
        (error: unknown) => {
          counted(false);
          this.deps.log.warn(
            { err: error, scheduler: this.scheduler, roomId: id, event: event.type },
            'instance change not applied; the next resync repairs it',
          );
        },
      )
      .finally(() => {
        if (this.chains.get(id) === next) this.chains.delete(id);
      });
    this.chains.set(id, next);
  }

  private async apply(event: InstanceEvent): Promise<void> {
    // Ports first: the record is what makes a resync redo a deletion, so dropping it last means a
    // crash in between leaves the record (freed again next time), never ports held by nobody.
    if (event.type === 'deleted') {
      await this.deps.ports.release(this.scheduler, event.instance.id);
    }
    await this.deps.lifecycle.instanceChanged(event);
    this.onRoomChanged();
  }

  private async guard(task: string, run: () => Promise<unknown>): Promise<void> {
    try {
      await run();
    } catch (error) {
      this.deps.log.warn({ err: error, scheduler: this.scheduler, task }, 'watcher task failed');
    }
  }
}

function isSameInstance(stored: GameRoomInstance | undefined, current: GameRoomInstance) {
  return (
    stored !== undefined &&
    stored.status === current.status &&
    stored.reason === current.reason &&
    JSON.stringify(stored.address) === JSON.stringify(current.address)
  );
}

/** The instance of a room the runtime never reported, to report it gone. */
function placeholderOf(room: GameRoom): GameRoomInstance {
  return {
    id: room.id,
    scheduler: room.scheduler,
    version: room.version,
    status: InstanceStatus.TERMINATING,
    createdAt: room.createdAt,
  };
}
