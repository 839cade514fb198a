/**
 * Redis restarted under a real ping load with matchmakers allocating at the same time. The Redis
 * is this file's own (durable: append-only file, as `npm run dev` runs it), killed with SIGKILL and
 * started again on the same port and directory. While it is down, rooms and matchmakers are told
 * 503/UNAVAILABLE naming Redis; after, every room is what it last reported, deleted rooms stay
 * deleted, no room was handed out twice, and the counts the APIs report match the rooms.
 */
import path from 'node:path';
import { freePort } from '../../scripts/local-infra/paths';
import { startRedis, type RunningRedis } from '../../scripts/local-infra/redis';
import type { GameRoomInstance } from '../../src/domain/game-room/instance';
import type { GameRoom } from '../../src/domain/game-room/room';
import { sharedInfra, uniqueSuffix } from '../support/infra';
import {
  like,
  startRoomsApi,
  testScheduler,
  type RoomsApiHarness,
} from '../support/rooms-api-server';
import { expectIndexExact } from '../support/room-index-check';
import { eventually } from '../support/runtime-contract';
import {
  grpcPingAndAllocate,
  Matchmaker,
  PingLoad,
  type Answer,
  type GrpcOutcome,
} from './support/ping-load';
import { startSchedulersOverview, type SchedulersOverview } from './support/schedulers-overview';

const ROOMS = 40;
const DELETED = 5;
const REDIS_UNAVAILABLE = { code: 14, message: like.matching(/^redis unavailable: /) };

interface Snapshot {
  rooms: GameRoom[];
  possibleStatuses: Map<string, Set<string>>;
  allocated: Set<string>;
  failedAllocations: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const statusesOf = (answers: readonly Answer[]) => [...new Set(answers.map((a) => a.status))];

describe('Redis restarted during a ping load', () => {
  const dir = path.join(sharedInfra().workDir, `chaos-redis-${uniqueSuffix()}`);
  const scheduler = `chaos-${uniqueSuffix()}`;
  const roomIds = Array.from({ length: ROOMS }, (_, i) => `room-${i}`);
  const deletedIds = roomIds.slice(0, DELETED);
  const liveIds = roomIds.slice(DELETED);
  let port: number;
  let redis: RunningRedis;
  let api: RoomsApiHarness;
  let load: PingLoad;
  let matchmaker: Matchmaker;
  const duringOutage = {
    pings: [] as Answer[],
    allocations: [] as Answer[],
    grpc: undefined as { ping: GrpcOutcome; allocate: GrpcOutcome } | undefined,
  };
  let overview: SchedulersOverview;
  /** The rooms as Redis had them back from its append-only file, before any new ping. */
  let restored: Snapshot;

  const instance = (id: string): GameRoomInstance => ({
    id,
    scheduler,
    version: 'v1.0.0',
    status: 'ready',
    address: { host: '127.0.0.1', ports: [{ name: 'game', protocol: 'UDP', port: 7000 }] },
    createdAt: new Date(),
  });

  beforeAll(async () => {
    port = await freePort();
    redis = await startRedis({ dir, port, durable: true });
    api = await startRoomsApi({ redis: { url: redis.url } });
    overview = await startSchedulersOverview(api);
    await api.schedulers.createScheduler(testScheduler(scheduler));
    for (const id of roomIds) {
      await api.lifecycle.roomCreating({ id, scheduler, version: 'v1.0.0' });
      await api.lifecycle.instanceChanged({ type: 'added', instance: instance(id) });
    }
    load = new PingLoad(api, scheduler, roomIds);
    matchmaker = new Matchmaker(api, scheduler, (roomId) => load.allocated(roomId), 400);
    await runTheFault();
  }, 120_000);

  afterAll(async () => {
    await load?.pause();
    await matchmaker?.stop();
    await overview?.close();
    await api?.close();
    await redis?.process.stop();
  });

  /** Load and matchmaking; rooms deleted; Redis killed, down for a while, started again. */
  async function runTheFault() {
    load.start();
    matchmaker.start();
    await sleep(1_500);
    for (const id of deletedIds) {
      await api.lifecycle.instanceChanged({ type: 'deleted', instance: instance(id) });
    }
    await sleep(1_000);

    const [pingsBefore, allocationsBefore] = [load.answers.length, matchmaker.answers.length];
    await redis.process.kill();
    duringOutage.grpc = await grpcPingAndAllocate(api.grpcAddress, scheduler, liveIds[0]!);
    await sleep(2_000);
    // Calls still in flight end while Redis is down (at the command timeout): they count too.
    await Promise.all([load.pause(), matchmaker.stop()]);
    duringOutage.pings = load.answers.slice(pingsBefore);
    duringOutage.allocations = matchmaker.answers.slice(allocationsBefore);
    redis = await startRedis({ dir, port, durable: true });
    await eventually(async () => {
      restored = await snapshot();
    }, 15_000);

    // Back: the load goes on until every room had its report acknowledged again.
    load.start();
    matchmaker.start();
    await eventually(async () => {
      const recent = load.answers.slice(-ROOMS);
      expect(recent.filter((answer) => answer.status === 503)).toEqual([]);
    }, 30_000);
    await matchmaker.stop();
    await sleep(1_000);
    await load.pause();
  }

  /** The rooms, with what the pings and allocations answered so far say they may be. */
  async function snapshot(): Promise<Snapshot> {
    const rooms = await api.rooms.listRooms(scheduler);
    return {
      rooms,
      possibleStatuses: new Map(rooms.map((room) => [room.id, load.possibleStatuses(room.id)])),
      allocated: new Set(matchmaker.allocatedRoomIds()),
      failedAllocations: matchmaker.answers.filter((answer) => answer.status === 503).length,
    };
  }

  /**
   * Every room's status is one its acknowledged reports explain. Only a room whose allocation
   * Redis recorded while the answer was lost (503) may be allocated without a matchmaker knowing:
   * at most one per failed allocation, and never a room that was handed out.
   */
  function expectStatusesExplained({ rooms, ...known }: Snapshot) {
    const unexplained = rooms.filter(
      (room) => !known.possibleStatuses.get(room.id)?.has(room.status),
    );
    expect(
      unexplained.filter((room) => room.status !== 'allocated' || known.allocated.has(room.id)),
    ).toEqual([]);
    expect(unexplained.length).toBeLessThanOrEqual(known.failedAllocations);
  }

  it('tells rooms and matchmakers 503 UNAVAILABLE naming Redis while it is down', () => {
    expect(duringOutage.pings.some((answer) => answer.status === 503)).toBe(true);
    expect(duringOutage.allocations.some((answer) => answer.status === 503)).toBe(true);
    const failures = [...duringOutage.pings, ...duringOutage.allocations].filter(
      (answer) => answer.status >= 500,
    );
    for (const failure of failures)
      expect(failure).toEqual({ status: 503, body: { ...REDIS_UNAVAILABLE, details: [] } });
    const grpcUnavailable = { code: 14, details: like.matching(/^redis unavailable: /) };
    expect(duringOutage.grpc).toEqual({ ping: grpcUnavailable, allocate: grpcUnavailable });
  });

  it('answers only what a room or matchmaker expects over the whole run', () => {
    // 200; 404 for the deleted rooms still pinging; 429 when no room is ready; 503 while down.
    expect(statusesOf(load.answers).sort()).toEqual(expect.arrayContaining([200, 503]));
    expect(statusesOf(load.answers).filter((s) => ![200, 404, 503].includes(s))).toEqual([]);
    expect(statusesOf(matchmaker.answers).filter((s) => ![200, 429, 503].includes(s))).toEqual([]);
  });

  it('never hands out a room twice, nor a deleted one', () => {
    const allocated = matchmaker.allocatedRoomIds();
    expect(allocated.length).toBeGreaterThan(0);
    expect(new Set(allocated).size).toBe(allocated.length);
    expect(allocated.filter((id) => !roomIds.includes(id))).toEqual([]);
  });

  it('keeps deleted rooms deleted, and every other room at what it last reported', async () => {
    const final = await snapshot();
    expect(final.rooms.map((room) => room.id).sort()).toEqual([...liveIds].sort());
    for (const id of deletedIds) expect(await api.rooms.getRoom(scheduler, id)).toBeUndefined();
    expectStatusesExplained(final);
  });

  it('comes back from its append-only file with every room as it was acknowledged', () => {
    expect(restored.rooms.map((room) => room.id).sort()).toEqual([...liveIds].sort());
    expectStatusesExplained(restored);
  });

  it('keeps the room index (summaries, counts) exact across the restart', async () => {
    await expectIndexExact(api.redis, api.rooms, scheduler);
  });

  it('reports room counts in GET /schedulers/info that match the rooms', async () => {
    const rooms = await api.rooms.listRooms(scheduler);
    const tally = (status: string) => rooms.filter((room) => room.status === status).length;

    expect(await overview.info(scheduler)).toEqual(
      like.object({
        roomsReady: tally('ready'),
        roomsOccupied: tally('occupied'),
        roomsPending: 0,
        roomsTerminating: 0,
      }),
    );
    const all = await api.rooms.countRooms(scheduler);
    expect(Object.values(all).reduce((sum, n) => sum + n, 0)).toBe(liveIds.length);
  });
});
