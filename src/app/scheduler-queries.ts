import { DomainError, ErrorCode } from '../domain/errors';
import type { GameRoom } from '../domain/game-room/room';
import type { RoomStatus } from '../domain/game-room/status';
import type { Scheduler } from '../domain/scheduler/scheduler';
import type { RoomCounter, RoomStatusCounts } from '../ports/room-counter';
import type { RoomStore } from '../ports/room-store';
import type { SchedulerStore } from '../ports/scheduler-store';

/** One scheduler of the schedulers' overview (`GET /schedulers/info`) with its rooms by status. */
export interface SchedulerOverview {
  scheduler: Scheduler;
  rooms: RoomStatusCounts;
}

/** The schedulers service's reads, shared by HTTP and gRPC. */
export class SchedulerQueries {
  constructor(
    private readonly schedulers: SchedulerStore,
    private readonly rooms: RoomCounter & Pick<RoomStore, 'listRooms'>,
  ) {}

  /** The active version, or the given one. NOT_FOUND names the scheduler as Maestro does. */
  async get(name: string, version?: string): Promise<Scheduler> {
    const scheduler = version
      ? await this.schedulers.getSchedulerVersion(name, version)
      : await this.schedulers.getScheduler(name);
    if (!scheduler) throw new DomainError(ErrorCode.NOT_FOUND, `scheduler ${name} not found`);
    return scheduler;
  }

  /** Exact filters; `version` matches the active version. */
  list(filter: { name?: string; game?: string; version?: string }): Promise<Scheduler[]> {
    return this.schedulers.listSchedulers(filter);
  }

  /** Every scheduler (of `game`, when given) with its rooms counted by status. */
  async overview(filter: { game?: string }): Promise<SchedulerOverview[]> {
    const schedulers = await this.list(filter);
    return Promise.all(
      schedulers.map(async (scheduler) => ({
        scheduler,
        rooms: await this.rooms.countByStatus(scheduler.name),
      })),
    );
  }

  /** Newest first; NOT_FOUND when the scheduler has none. */
  async versions(name: string) {
    const versions = await this.schedulers.listVersions(name);
    if (versions.length === 0)
      throw new DomainError(ErrorCode.NOT_FOUND, `scheduler ${name} not found`);
    return versions;
  }

  /** The scheduler's rooms (those in `status`, when given), ordered by id; NOT_FOUND when unknown. */
  async listRooms(name: string, status?: RoomStatus): Promise<GameRoom[]> {
    if (!(await this.schedulers.getScheduler(name)))
      throw new DomainError(ErrorCode.NOT_FOUND, `scheduler ${name} not found`);
    const rooms = await this.rooms.listRooms(name);
    return rooms
      .filter((room) => status === undefined || room.status === status)
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }
}
