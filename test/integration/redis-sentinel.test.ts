/**
 * maestro through Redis Sentinel (a master, its replica and three sentinels with quorum 2 on
 * loopback): the room scripts, allocation and the port ledger behave as on one server, and a
 * killed master is survived: pings answer 503 naming Redis while the sentinels promote the
 * replica, then every room is served again from the new master.
 */
import os from 'node:os';
import path from 'node:path';
import {
  startRedisSentinel,
  type RunningRedisSentinel,
} from '../../scripts/local-infra/redis-sentinel';
import type { RedisConnection } from '../../src/config/redis';
import {
  expectEveryRoomAndAllocation,
  expectOnlyAcksOrRedisUnavailable,
} from '../support/failover-expectations';
import { runFailoverDrill, summary } from '../support/failover-run';
import { uniqueSuffix } from '../support/infra';
import { describePortAllocatorBehaviour } from '../support/port-allocator-behaviour';
import { describeRoomStoreBehaviour } from '../support/room-store-behaviour';
import { startRoomsApi, type RoomsApiHarness } from '../support/rooms-api-server';

const MASTER_NAME = 'maestro';
const DOWN_AFTER_MS = 1_000;
const PING_BOUND_MS = 8_000;

let sentinel: RunningRedisSentinel;
const connection = (): RedisConnection => ({
  mode: 'sentinel',
  sentinels: sentinel.sentinels.map(({ port }) => ({ host: '127.0.0.1', port })),
  masterName: MASTER_NAME,
});

beforeAll(async () => {
  const dir = path.join(os.tmpdir(), `maestro-redis-sentinel-${uniqueSuffix()}`);
  sentinel = await startRedisSentinel({ dir, masterName: MASTER_NAME, downAfterMs: DOWN_AFTER_MS });
});

afterAll(async () => {
  await sentinel.stop();
});

describeRoomStoreBehaviour('Redis behind Sentinel', connection);
describePortAllocatorBehaviour('Redis behind Sentinel', connection);

describe('a Sentinel-managed master killed while rooms ping', () => {
  let api: RoomsApiHarness;

  beforeAll(async () => {
    api = await startRoomsApi({ redis: connection() });
  });

  afterAll(async () => {
    await api?.close();
  });

  it('answers 503 naming Redis while the sentinels promote the replica, then serves every room again', async () => {
    const master = await sentinel.currentMaster();
    const schedulers = [`sentinel-a-${uniqueSuffix()}`, `sentinel-b-${uniqueSuffix()}`];

    const report = await runFailoverDrill(api, {
      schedulers,
      isMoved: () => true,
      failOver: () => master.process.kill(),
      boundMs: PING_BOUND_MS,
    });
    process.stderr.write(`${JSON.stringify({ redisSentinelFailover: summary(report) })}\n`);

    expect((await sentinel.currentMaster()).port).not.toBe(master.port);
    expectOnlyAcksOrRedisUnavailable(report, PING_BOUND_MS);
    expect(report.refusedMoved.length).toBeGreaterThan(0);
    expect(report.errorWindowMs).toBeLessThan(20_000);
    expectEveryRoomAndAllocation(report);
  });
});
