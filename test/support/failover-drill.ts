/**
 * A Redis failover as game rooms live it: rooms ping the real Rooms API over HTTP continuously,
 * each ping carrying a sequence number in its metadata, while the test kills a Redis master.
 * Every answer is recorded, so the test can say how long pings failed, how they failed, and which
 * acknowledged pings the failover lost (the sequence number stored is older than the last one
 * acknowledged).
 */
import { call, testScheduler, type RoomsApiHarness } from './rooms-api-server';

/** A room of the drill: `scheduler/roomId`. */
export interface DrillRoom {
  scheduler: string;
  roomId: string;
}

/** One answered (or timed-out) ping. */
export interface PingRecord {
  room: DrillRoom;
  seq: number;
  sentAt: number;
  latencyMs: number;
  /** HTTP status, or 0 when no answer came within the bound. */
  status: number;
  body: unknown;
}

/** Schedulers with `rooms` ready rooms each (and `spare` more, left for allocation). */
export async function seedRooms(
  api: RoomsApiHarness,
  schedulers: readonly string[],
  rooms: number,
  spare = 0,
): Promise<{ pinging: DrillRoom[]; spare: DrillRoom[] }> {
  const pinging: DrillRoom[] = [];
  const spares: DrillRoom[] = [];
  for (const scheduler of schedulers) {
    await api.schedulers.createScheduler(testScheduler(scheduler));
    for (let i = 0; i < rooms + spare; i++) {
      const room = { scheduler, roomId: `room-${i}` };
      await readyRoom(api, room);
      (i < rooms ? pinging : spares).push(room);
    }
  }
  return { pinging, spare: spares };
}

async function readyRoom(api: RoomsApiHarness, room: DrillRoom): Promise<void> {
  const { scheduler, roomId } = room;
  await api.lifecycle.roomCreating({ id: roomId, scheduler, version: 'v1.0.0' });
  await api.lifecycle.instanceChanged({
    type: 'added',
    instance: {
      id: roomId,
      scheduler,
      version: 'v1.0.0',
      status: 'ready',
      address: { host: '10.0.0.1', ports: [{ name: 'game', protocol: 'UDP', port: 7000 }] },
      createdAt: new Date(),
    },
  });
  const answer = await call(api, 'PUT', `/scheduler/${scheduler}/rooms/${roomId}/ping`, {
    status: 'ready',
    metadata: { seq: 0 },
  });
  if (answer.status !== 200) throw new Error(`seeding ${scheduler}/${roomId}: ${answer.status}`);
}

/** Every room pings every `intervalMs` (one ping in flight per room) until `stop()`. */
export class PingLoad {
  readonly records: PingRecord[] = [];
  private isRunning = true;
  private readonly loops: Array<Promise<void>>;

  constructor(
    private readonly api: RoomsApiHarness,
    rooms: readonly DrillRoom[],
    private readonly options: { intervalMs: number; boundMs: number },
  ) {
    this.loops = rooms.map((room) => this.loop(room));
  }

  async stop(): Promise<void> {
    this.isRunning = false;
    await Promise.all(this.loops);
  }

  /** The last sequence number each room had acknowledged (`{success: true}`) by `before`. */
  lastAcknowledged(room: DrillRoom, before = Infinity): number {
    const acks = this.of(room).filter((r) => isAck(r) && r.sentAt + r.latencyMs <= before);
    return Math.max(0, ...acks.map((r) => r.seq));
  }

  of(room: DrillRoom): PingRecord[] {
    return this.records.filter(
      (r) => r.room.scheduler === room.scheduler && r.room.roomId === room.roomId,
    );
  }

  private async loop(room: DrillRoom): Promise<void> {
    for (let seq = 1; this.isRunning; seq++) {
      this.records.push(await this.ping(room, seq));
      await new Promise((resolve) => setTimeout(resolve, this.options.intervalMs));
    }
  }

  private async ping(room: DrillRoom, seq: number): Promise<PingRecord> {
    const sentAt = Date.now();
    const path = `${this.api.baseUrl}/scheduler/${room.scheduler}/rooms/${room.roomId}/ping`;
    try {
      const response = await fetch(path, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ status: seq % 2 ? 'occupied' : 'ready', metadata: { seq } }),
        signal: AbortSignal.timeout(this.options.boundMs),
      });
      const body = await response.json();
      return { room, seq, sentAt, latencyMs: Date.now() - sentAt, status: response.status, body };
    } catch {
      return { room, seq, sentAt, latencyMs: Date.now() - sentAt, status: 0, body: undefined };
    }
  }
}

export const isAck = (record: PingRecord) =>
  record.status === 200 && (record.body as { success?: boolean }).success === true;

/** From the first to the last failed ping of `records` (0 when none failed). */
export function errorWindowMs(records: readonly PingRecord[]): number {
  const failed = records.filter((record) => !isAck(record));
  if (failed.length === 0) return 0;
  const first = Math.min(...failed.map((r) => r.sentAt));
  const last = Math.max(...failed.map((r) => r.sentAt + r.latencyMs));
  return last - first;
}
