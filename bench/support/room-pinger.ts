import type { GameRoom } from '../../src/domain/game-room/room';
import type { RoomStore } from '../../src/ports/room-store';
import { forEachConcurrently } from '../../activities/room-activities';

export interface RoomPingerOptions {
  rooms: RoomStore;
  scheduler: string;
  /** The Rooms API the rooms ping (`http://host:port`). */
  roomsApiAddress: string;
  /** Pings in flight at most. */
  concurrency: number;
  /** Pause between two looks at room storage. */
  intervalMs: number;
}

/**
 * Plays game rooms that run no code (KWOK pods): whenever room storage shows a room whose
 * instance is ready but which has not reported ready yet, it sends that room's first ping through
 * the real Rooms API (`PUT /scheduler/<s>/rooms/<id>/ping`, status `ready`), as a game server does
 * once it has started. Rooms already ready are left alone (the runs are shorter than the ping
 * timeout). A failed look at room storage is counted and tried again after the interval: the
 * benchmark, not the pinger, decides whether an outage spoils its run.
 */
export class RoomPinger {
  pings = 0;
  failedPings = 0;
  /** Looks at room storage that failed (Redis unreachable for a moment): tried again next time. */
  failedReads = 0;
  private isRunning = false;
  private loop: Promise<void> = Promise.resolve();

  constructor(private readonly options: RoomPingerOptions) {}

  start(): void {
    this.isRunning = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.isRunning = false;
    await this.loop;
  }

  private async run(): Promise<void> {
    const { rooms, scheduler, concurrency, intervalMs } = this.options;
    while (this.isRunning) {
      const listed = await rooms.listRooms(scheduler).catch(() => undefined);
      if (listed) {
        const waiting = listed.filter(isStartedButNotReady);
        await forEachConcurrently(waiting, (room) => this.ping(room), concurrency);
      } else {
        this.failedReads += 1;
      }
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }

  private async ping(room: GameRoom): Promise<void> {
    const { roomsApiAddress } = this.options;
    const response = await fetch(
      `${roomsApiAddress}/scheduler/${room.scheduler}/rooms/${room.id}/ping`,
      {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ status: 'ready', timestamp: Math.floor(Date.now() / 1000) }),
      },
    ).catch(() => undefined);
    await response?.arrayBuffer();
    if (response?.ok) this.pings += 1;
    else this.failedPings += 1;
  }
}

const isStartedButNotReady = (room: GameRoom) =>
  room.instance?.status === 'ready' && (room.status === 'pending' || room.status === 'unready');
