/**
 * One Redis failover drill through the Rooms API, for any Redis mode: seeds rooms, lets them
 * ping, fails the master over (`failOver`), waits until every still-pinging room is acknowledged again, and
 * reports what rooms and matchmakers observed. The tests assert on the report.
 */
import { pingRedis } from '../../src/adapters/redis/client';
import {
  errorWindowMs,
  isAck,
  PingLoad,
  seedRooms,
  type DrillRoom,
  type PingRecord,
} from './failover-drill';
import { call, type RoomsApiHarness } from './rooms-api-server';
import { eventually } from './runtime-contract';

export interface DrillOptions {
  schedulers: readonly string[];
  /** Schedulers whose Redis master changes. */
  isMoved: (scheduler: string) => boolean;
  /** Kills the master (a crash) or hands it over (a planned failover). */
  failOver: () => Promise<void>;
  /** A ping unanswered this long counts as a hang. */
  boundMs: number;
}

/** An acknowledged ping the failover lost: the room's stored sequence number is older. */
export interface LostWrite {
  room: string;
  acknowledged: number;
  stored: number;
  /** How long before the kill the first lost write was acknowledged. */
  ageMs: number;
}

export interface DrillReport {
  records: PingRecord[];
  /** Pings not acknowledged, on the moved schedulers and on the others. */
  refusedMoved: PingRecord[];
  refusedOthers: PingRecord[];
  errorWindowMs: number;
  killToRecoveredMs: number;
  unreadyMs: number;
  maxLatencyMs: number;
  witnesses: number;
  lost: LostWrite[];
  /** Each scheduler's room ids after the drill. */
  roomIds: Record<string, string[]>;
  /** Per moved scheduler: the ready rooms after the drill, and what allocation handed out. */
  allocation: Record<
    string,
    { ready: string[]; allocated: string[]; spare: string[]; endedWith: number }
  >;
}

const ROOMS = 3;
const SPARE = 3;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * `room-0` of each moved scheduler is a witness: it stops pinging at the kill, so what is stored
 * afterwards shows whether its last acknowledged pings survived.
 */
export async function runFailoverDrill(
  api: RoomsApiHarness,
  options: DrillOptions,
): Promise<DrillReport> {
  const { pinging, spare } = await seedRooms(api, options.schedulers, ROOMS, SPARE);
  const isMoved = (room: DrillRoom) => options.isMoved(room.scheduler);
  const isWitness = (room: DrillRoom) => isMoved(room) && room.roomId === 'room-0';
  const loadOptions = { intervalMs: 50, boundMs: options.boundMs };
  const witnesses = new PingLoad(api, pinging.filter(isWitness), loadOptions);
  const load = new PingLoad(
    api,
    pinging.filter((room) => !isWitness(room)),
    loadOptions,
  );
  const readiness = sampleReadiness(api);
  await sleep(1_500);

  const killedAt = Date.now();
  await Promise.all([options.failOver(), witnesses.stop()]);
  await eventually(async () => {
    for (const room of pinging.filter((r) => !isWitness(r))) {
      expect(load.of(room).some((r) => isAck(r) && r.sentAt > killedAt)).toBe(true);
    }
  }, 30_000);
  const killToRecoveredMs = Date.now() - killedAt;
  await sleep(500);
  await Promise.all([load.stop(), readiness.stop()]);

  const records = [...witnesses.records, ...load.records];
  const refused = records.filter((r) => !isAck(r));
  return {
    records,
    refusedMoved: refused.filter((r) => isMoved(r.room)),
    refusedOthers: refused.filter((r) => !isMoved(r.room)),
    errorWindowMs: errorWindowMs(load.records.filter((r) => isMoved(r.room))),
    killToRecoveredMs,
    unreadyMs: readiness.unreadyMs(),
    maxLatencyMs: Math.max(...records.map((r) => r.latencyMs)),
    witnesses: pinging.filter(isWitness).length,
    lost: await lostWrites(api, witnesses, pinging.filter(isWitness), killedAt),
    roomIds: await roomIdsOf(api, options.schedulers),
    allocation: await allocateMoved(api, options.schedulers.filter(options.isMoved), spare),
  };
}

async function lostWrites(
  api: RoomsApiHarness,
  load: PingLoad,
  rooms: readonly DrillRoom[],
  killedAt: number,
): Promise<LostWrite[]> {
  const lost: LostWrite[] = [];
  for (const room of rooms) {
    const stored = Number((await api.rooms.getRoom(room.scheduler, room.roomId))?.metadata['seq']);
    const acknowledged = load.lastAcknowledged(room);
    if (stored >= acknowledged) continue;
    const firstLost = load.of(room).find((r) => r.seq > stored && isAck(r));
    const ageMs = firstLost ? killedAt - (firstLost.sentAt + firstLost.latencyMs) : 0;
    lost.push({ room: `${room.scheduler}/${room.roomId}`, acknowledged, stored, ageMs });
  }
  return lost;
}

async function roomIdsOf(api: RoomsApiHarness, schedulers: readonly string[]) {
  const ids: Record<string, string[]> = {};
  for (const scheduler of schedulers) {
    ids[scheduler] = (await api.rooms.listRoomIds(scheduler)).sort();
  }
  return ids;
}

async function allocateMoved(
  api: RoomsApiHarness,
  schedulers: readonly string[],
  spare: readonly DrillRoom[],
): Promise<DrillReport['allocation']> {
  const result: DrillReport['allocation'] = {};
  for (const scheduler of schedulers) {
    const ready = (await api.rooms.listRoomIdsByStatus(scheduler, 'ready')).sort();
    const allocated: string[] = [];
    let answer = await call(api, 'POST', `/scheduler/${scheduler}/rooms/allocate`, {});
    for (; answer.status === 200 && allocated.length <= ready.length;) {
      allocated.push((answer.body as { roomId: string }).roomId);
      answer = await call(api, 'POST', `/scheduler/${scheduler}/rooms/allocate`, {});
    }
    const spares = spare.filter((room) => room.scheduler === scheduler).map((r) => r.roomId);
    result[scheduler] = { ready, allocated, spare: spares, endedWith: answer.status };
  }
  return result;
}

/** Samples the Redis readiness check every 100 ms; how long it failed in total. */
function sampleReadiness(api: RoomsApiHarness) {
  let unready = 0;
  let isRunning = true;
  const loop = (async () => {
    while (isRunning) {
      if (
        await pingRedis(api.redis).then(
          () => false,
          () => true,
        )
      )
        unready += 100;
      await sleep(100);
    }
  })();
  return {
    stop: async () => {
      isRunning = false;
      await loop;
    },
    unreadyMs: () => unready,
  };
}

/** The report without the raw records, for the test log. */
export const summary = ({ records, refusedMoved, refusedOthers, ...rest }: DrillReport) => ({
  pings: records.length,
  refusedMoved: refusedMoved.length,
  refusedOthers: refusedOthers.length,
  ...rest,
});
