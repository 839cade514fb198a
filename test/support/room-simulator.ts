import type { GameRoom } from '../../src/domain/game-room/room';
import type { RoomStore } from '../../src/ports/room-store';
import type { SchedulerStore } from '../../src/ports/scheduler-store';

export interface RoomSimulatorDeps {
  rooms: RoomStore;
  schedulers: SchedulerStore;
  /** The Rooms API the simulated rooms ping (`http://host:port`). */
  roomsApiAddress: string;
  intervalMs?: number;
}

/**
 * Plays the game rooms whose instances run no code (kwok pods) or whose own pings are switched
 * off: every interval, each room of every scheduler whose runtime instance is ready pings the
 * real Rooms API — `ready`, or `occupied` when told or once it has been ready `occupyAfterMs`.
 * Silenced rooms stop pinging, like a hung game server.
 */
export class RoomSimulator {
  private readonly silenced = new Set<string>();
  private readonly silencedSchedulers = new Set<string>();
  private readonly occupied = new Set<string>();
  private readonly firstReadyAt = new Map<string, number>();
  private timer?: NodeJS.Timeout;
  private tick: Promise<void> = Promise.resolve();
  /** When set, a room turns occupied this long after its first ready ping. */
  occupyAfterMs: number | undefined;

  constructor(private readonly deps: RoomSimulatorDeps) {}

  start(): void {
    this.timer = setInterval(() => {
      this.tick = this.tick.then(() => this.pingAll()).catch(() => undefined);
    }, this.deps.intervalMs ?? 300);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.tick;
  }

  silence(roomId: string): void {
    this.silenced.add(roomId);
  }

  /** Every room of the scheduler stays silent: never ready, like rooms that cannot start. */
  silenceScheduler(scheduler: string): void {
    this.silencedSchedulers.add(scheduler);
  }

  occupy(roomId: string): void {
    this.occupied.add(roomId);
  }

  free(roomId: string): void {
    this.occupied.delete(roomId);
    this.firstReadyAt.set(roomId, Number.POSITIVE_INFINITY);
  }

  private async pingAll(): Promise<void> {
    for (const scheduler of await this.deps.schedulers.listSchedulers()) {
      const rooms = await this.deps.rooms.listRooms(scheduler.name);
      await Promise.all(
        rooms.filter((room) => this.isPlaying(room)).map((room) => this.ping(room)),
      );
    }
  }

  private isPlaying(room: GameRoom): boolean {
    return (
      room.instance?.status === 'ready' &&
      room.status !== 'terminating' &&
      !this.silenced.has(room.id) &&
      !this.silencedSchedulers.has(room.scheduler)
    );
  }

  private async ping(room: GameRoom): Promise<void> {
    const now = Date.now();
    if (!this.firstReadyAt.has(room.id)) this.firstReadyAt.set(room.id, now);
    const isOccupied =
      this.occupied.has(room.id) ||
      (this.occupyAfterMs !== undefined &&
        now - this.firstReadyAt.get(room.id)! >= this.occupyAfterMs);
    if (isOccupied) this.occupied.add(room.id);
    await fetch(`${this.deps.roomsApiAddress}/scheduler/${room.scheduler}/rooms/${room.id}/ping`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        status: isOccupied ? 'occupied' : 'ready',
        timestamp: Math.floor(now / 1000),
        runningMatches: isOccupied ? 1 : 0,
      }),
    });
  }
}
