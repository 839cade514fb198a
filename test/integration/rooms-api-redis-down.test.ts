/**
 * The Rooms API while its (standalone) Redis is down: rooms and matchmakers get a fast, retryable
 * 503 naming Redis, not a 500 and not `success: false`, and everything works again once Redis is
 * back, without a restart.
 */
import path from 'node:path';
import { freePortRange } from '../../scripts/local-infra/paths';
import { startRedis, type RunningRedis } from '../../scripts/local-infra/redis';
import { sharedInfra, uniqueSuffix } from '../support/infra';
import {
  call,
  like,
  startRoomsApi,
  testScheduler,
  type RoomsApiHarness,
} from '../support/rooms-api-server';
import { eventually } from '../support/runtime-contract';

describe('the Rooms API while Redis is down', () => {
  const dir = path.join(sharedInfra().workDir, `redis-down-${uniqueSuffix()}`);
  let port: number;
  let redis: RunningRedis;
  let api: RoomsApiHarness;

  beforeAll(async () => {
    port = await freePortRange(1); // Redis restarts on it: below the ephemeral range
    redis = await startRedis({ dir, port, durable: false });
    api = await startRoomsApi({ redis: { url: redis.url } });
  });

  afterAll(async () => {
    await api.close();
    await redis.process.stop();
  });

  it('answers pings and allocations 503 naming Redis at once when it is down, and serves them again once it is back', async () => {
    const scheduler = `down-${uniqueSuffix()}`;
    await api.schedulers.createScheduler(testScheduler(scheduler));
    await api.lifecycle.roomCreating({ id: 'room-1', scheduler, version: 'v1.0.0' });
    const ping = () =>
      call(api, 'PUT', `/scheduler/${scheduler}/rooms/room-1/ping`, { status: 'ready' });
    expect(await ping()).toEqual({ status: 200, body: { success: true } });

    await redis.process.kill();
    const startedAt = Date.now();
    const [pinged, allocated] = [
      await ping(),
      await call(api, 'POST', `/scheduler/${scheduler}/rooms/allocate`, {}),
    ];

    const unavailable = { code: 14, message: like.matching(/^redis unavailable: /), details: [] };
    expect(pinged).toEqual({ status: 503, body: unavailable });
    expect(allocated).toEqual({ status: 503, body: unavailable });
    // Failed at once, not after MAESTRO_REDIS_COMMAND_TIMEOUT_MS (3 s each).
    expect(Date.now() - startedAt).toBeLessThan(2_500);

    redis = await startRedis({ dir, port, durable: false });
    // This Redis keeps nothing across restarts: the room is registered again, as a resync would.
    await eventually(async () => {
      await api.lifecycle.roomCreating({ id: 'room-1', scheduler, version: 'v1.0.0' });
      expect(await ping()).toEqual({ status: 200, body: { success: true } });
    }, 10_000);
  });
});
