/**
 * A Redis Cluster master SIGKILLed while rooms of six schedulers (two per master) ping the real
 * Rooms API over HTTP. Its replica is promoted after cluster-node-timeout. What rooms see: 503
 * UNAVAILABLE naming Redis while their slot has no master (never a 500, never a hang), success
 * again afterwards, every room still there, allocation without duplicates. What asynchronous
 * replication costs is measured, not assumed: "witness" rooms stop pinging at the kill, and the
 * sequence number stored afterwards is compared with the last one Redis acknowledged.
 */
import os from 'node:os';
import path from 'node:path';
import { pingRedis } from '../../src/adapters/redis/client';
import {
  startRedisCluster,
  type RunningRedisCluster,
} from '../../scripts/local-infra/redis-cluster';
import { schedulersOnEveryMaster } from '../support/cluster-slots';
import {
  errorWindowMs,
  isAck,
  PingLoad,
  seedRooms,
  type DrillRoom,
} from '../support/failover-drill';
import { uniqueSuffix } from '../support/infra';
import { call, startRoomsApi, type RoomsApiHarness } from '../support/rooms-api-server';
import { eventually } from '../support/runtime-contract';

const NODE_TIMEOUT_MS = 1_000;
const PING_BOUND_MS = 8_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('a Redis Cluster master killed while rooms ping', () => {
  let cluster: RunningRedisCluster;
  let api: RoomsApiHarness;

  beforeAll(async () => {
    const dir = path.join(os.tmpdir(), `maestro-redis-failover-${uniqueSuffix()}`);
    cluster = await startRedisCluster({ dir, nodeTimeoutMs: NODE_TIMEOUT_MS });
    api = await startRoomsApi({ redis: { mode: 'cluster', nodes: cluster.seeds } });
  });

  afterAll(async () => {
    await api?.close();
    await cluster?.stop();
  });

  it('answers 503 naming Redis while the replica takes over, then serves every room again and allocates without duplicates', async () => {
    const placed = await schedulersOnEveryMaster(cluster, `drill-${uniqueSuffix()}`, 2);
    const { pinging, spare } = await seedRooms(
      api,
      placed.map((p) => p.scheduler),
      3,
      3,
    );
    const victim = placed[0]!.master;
    const moved = new Set(placed.filter((p) => p.master === victim).map((p) => p.scheduler));
    const isMoved = (room: DrillRoom) => moved.has(room.scheduler);
    const isWitness = (room: DrillRoom) => isMoved(room) && room.roomId === 'room-0';
    const options = { intervalMs: 50, boundMs: PING_BOUND_MS };
    const witnesses = new PingLoad(api, pinging.filter(isWitness), options);
    const load = new PingLoad(
      api,
      pinging.filter((room) => !isWitness(room)),
      options,
    );
    const readiness = sampleReadiness(api);
    await sleep(1_500);

    const killedAt = Date.now();
    await Promise.all([victim.process.kill(), witnesses.stop()]);
    await eventually(async () => {
      for (const room of pinging.filter((r) => !isWitness(r))) {
        expect(load.of(room).some((r) => isAck(r) && r.sentAt > killedAt)).toBe(true);
      }
    }, 30_000);
    const recoveredAt = Date.now();
    await sleep(500);
    await Promise.all([load.stop(), readiness.stop()]);

    // While it moved: only acknowledgements or 503 UNAVAILABLE naming Redis, each within the bound.
    const records = [...witnesses.records, ...load.records];
    const refused = records.filter((r) => !isAck(r));
    for (const record of refused) {
      expect(record).toMatchObject({
        status: 503,
        body: { code: 14, message: expect.stringMatching(/^redis unavailable: /) as unknown },
      });
    }
    expect(Math.max(...records.map((r) => r.latencyMs))).toBeLessThan(PING_BOUND_MS);
    const movedWindow = errorWindowMs(load.records.filter((r) => isMoved(r.room)));
    expect(movedWindow).toBeGreaterThan(0);
    expect(movedWindow).toBeLessThan(15_000);
    const othersRefused = load.records.filter((r) => !isMoved(r.room) && !isAck(r));

    // After: every room is there, with the number of each scheduler's rooms unchanged.
    for (const { scheduler } of placed) {
      expect((await api.rooms.listRoomIds(scheduler)).sort()).toEqual([
        'room-0',
        'room-1',
        'room-2',
        'room-3',
        'room-4',
        'room-5',
      ]);
    }
    // Witnesses: what Redis acknowledged before the kill and the replica had not received is lost.
    const lost: Array<{ room: string; acknowledged: number; stored: number; ageMs: number }> = [];
    for (const room of pinging.filter(isWitness)) {
      const stored = Number(
        (await api.rooms.getRoom(room.scheduler, room.roomId))?.metadata['seq'],
      );
      const acknowledged = witnesses.lastAcknowledged(room);
      expect(stored).toBeGreaterThanOrEqual(0);
      if (stored >= acknowledged) continue;
      const lostAck = witnesses.of(room).find((r) => r.seq === stored + 1 && isAck(r));
      const ageMs = killedAt - (lostAck ? lostAck.sentAt + lostAck.latencyMs : killedAt);
      lost.push({ room: `${room.scheduler}/${room.roomId}`, acknowledged, stored, ageMs });
    }
    // Replication on loopback lags by far less than a second: older writes must all be there.
    for (const entry of lost) expect(entry.ageMs).toBeLessThan(1_000);

    // Allocation on the moved schedulers hands out each ready room once, spares included.
    for (const scheduler of moved) {
      const ready = await api.rooms.listRoomIdsByStatus(scheduler, 'ready');
      const allocated = await allocateAll(api, scheduler);
      expect(allocated.sort()).toEqual(ready.sort());
      for (const room of spare.filter((r) => r.scheduler === scheduler)) {
        expect(allocated).toContain(room.roomId);
      }
    }

    process.stderr.write(
      `${JSON.stringify({
        redisClusterFailover: {
          nodeTimeoutMs: NODE_TIMEOUT_MS,
          pings: records.length,
          refusedOnMovedSchedulers: refused.length - othersRefused.length,
          refusedOnOtherSchedulers: othersRefused.length,
          errorWindowMs: movedWindow,
          killToAllRecoveredMs: recoveredAt - killedAt,
          unreadyMs: readiness.unreadyMs(),
          maxLatencyMs: Math.max(...records.map((r) => r.latencyMs)),
          witnesses: pinging.filter(isWitness).length,
          lostAcknowledgedWrites: lost,
        },
      })}\n`,
    );
  });
});

/** Allocates until 429 (no ready room); the room ids handed out, in order. */
async function allocateAll(api: RoomsApiHarness, scheduler: string): Promise<string[]> {
  const ids: string[] = [];
  for (;;) {
    const answer = await call(api, 'POST', `/scheduler/${scheduler}/rooms/allocate`, {});
    if (answer.status === 429) return ids;
    expect(answer.status).toBe(200);
    ids.push((answer.body as { roomId: string }).roomId);
  }
}

/** Samples /readyz's Redis check every 100 ms; how long it failed in total. */
function sampleReadiness(api: RoomsApiHarness) {
  let unready = 0;
  let isRunning = true;
  const loop = (async () => {
    while (isRunning) {
      const failed = await pingRedis(api.redis).then(
        () => false,
        () => true,
      );
      if (failed) unready += 100;
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
