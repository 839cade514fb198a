/**
 * One health-controller cycle for a scheduler with 10,000 rooms (issues #6, #14): the rooms are
 * written to a real Redis through RedisRoomStore (created, instance reported, pinged: mostly ready
 * and occupied, some pending, a few failed), the scheduler to a real PostgreSQL, and the two
 * health activities of the worker (`checkHealth`, the scheduler workflow's periodic check, and
 * `planHealthActions`, the health_controller operation's decision) are timed over RUNS runs, with
 * the split between the reads (scheduler, room summaries from the room index) and `planHealth`;
 * the full read of every room (`listRooms`, what the cycle read before the index) is timed beside
 * it. Then the metrics reporter's snapshot (`snapshotOf`) is timed on a scheduler of 1,000 rooms
 * and on the one of 10,000 (its cost must not grow with the rooms), the index's one-off rebuild
 * (rooms written before it existed) and the Redis CPU per ping, index upkeep included. No
 * runtime, no Temporal: the activities are called as the worker calls them.
 * Targets: checkHealth p50 ≤ 100 ms; the metrics snapshot the same at 1,000 and 10,000 rooms.
 * Run: npm run bench:health-cycle (alone), or within npm run bench:health.
 */
import { rmSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import { createHealthActivities } from '../../activities/health-activities';
import { PostgresSchedulerStore } from '../../src/adapters/postgres/postgres-scheduler-store';
import { createRedisClient, type RedisClient } from '../../src/adapters/redis/client';
import { RedisAutoscalerState } from '../../src/adapters/redis/redis-autoscaler-state';
import { RedisRoomStore } from '../../src/adapters/redis/redis-room-store';
import { schedulerKeys } from '../../src/adapters/redis/room-codec';
import { RedisSchedulerCacheInvalidator } from '../../src/adapters/redis/redis-scheduler-cache';
import { snapshotOf } from '../../src/app/scheduler-metrics';
import { loadConfig } from '../../src/config/load';
import { planHealth, type HealthPlan } from '../../src/domain/health/health-plan';
import type { Scheduler } from '../../src/domain/scheduler/scheduler';
import { validateScheduler } from '../../src/domain/scheduler/validation';
import { commandLine, machineInfo, round, setting, writeResult } from '../support/results';
import { cpuSeconds } from '../support/maestro-process';
import { ROOM_MIX, seedRooms } from '../support/seed-rooms';
import { benchDirectory, benchScheduler, percentile, startStores } from '../support/stack';

const ROOMS = setting('BENCH_ROOMS', 10_000);
const SMALL_ROOMS = setting('BENCH_SMALL_ROOMS', 1_000);
const RUNS = setting('BENCH_RUNS', 20);
const METRICS_RUNS = setting('BENCH_METRICS_RUNS', 50);
const PINGS = setting('BENCH_PINGS', 10_000);
const WARMUP_RUNS = 3;
const SCHEDULER = 'cycle-10k';
const SMALL_SCHEDULER = 'cycle-1k';
const { health } = loadConfig({});
const timeouts = {
  pingTimeoutMs: health.roomPingTimeoutMs,
  initializationTimeoutMs: health.roomInitializationTimeoutMs,
  deletionTimeoutMs: health.roomDeletionTimeoutMs,
};

async function main() {
  const machine = machineInfo();
  const dir = benchDirectory('cycle');
  const stores = await startStores(dir);
  const redis = createRedisClient({ url: stores.redisUrl, keyPrefix: '' }, pino({ level: 'warn' }));
  try {
    await new Promise((resolve) => redis.once('ready', resolve));
    const rooms = new RedisRoomStore(redis, { allocationTtlMs: 300_000 });
    const schedulers = new PostgresSchedulerStore(stores.pool);
    const big = validateScheduler({ ...benchScheduler(SCHEDULER), roomsReplicas: ROOMS });
    const small = validateScheduler({
      ...benchScheduler(SMALL_SCHEDULER),
      roomsReplicas: SMALL_ROOMS,
    });
    await schedulers.createScheduler(big);
    await schedulers.createScheduler(small);
    const seeded = await seedRooms(rooms, SCHEDULER, ROOMS);
    await seedRooms(rooms, SMALL_SCHEDULER, SMALL_ROOMS);
    const rebuild = await timeRebuild(redis, rooms, stores.redisPid);
    const timed = await timeRuns(
      schedulers,
      rooms,
      new RedisSchedulerCacheInvalidator(redis, ''),
      new RedisAutoscalerState(redis),
    );
    const redisCpu = {
      summaryRead: await redisCpuPerRead(stores.redisPid, () => rooms.listRoomSummaries(SCHEDULER)),
      fullRead: await redisCpuPerRead(stores.redisPid, () => rooms.listRooms(SCHEDULER)),
    };
    const metrics = {
      [`${SMALL_ROOMS}Rooms`]: await timeMetrics(rooms, small, stores.redisPid),
      [`${ROOMS}Rooms`]: await timeMetrics(rooms, big, stores.redisPid),
    };
    const pings = await timePings(redis, rooms);
    writeResult('cycle-10k', {
      benchmark: 'health-controller cycle and metrics snapshot of one scheduler with 10,000 rooms',
      command: 'npm run bench:health-cycle',
      exactCommand: commandLine(),
      machine,
      setup: {
        rooms: ROOMS,
        smallSchedulerRooms: SMALL_ROOMS,
        roomMix: ROOM_MIX,
        seededInSeconds: round(seeded.seconds, 1),
        statuses: seeded.statuses,
        runs: RUNS,
        metricsRuns: METRICS_RUNS,
        warmupRuns: WARMUP_RUNS,
        stores: 'PostgreSQL and Redis started by the benchmark, on the same 2 cores',
        timeouts,
      },
      milliseconds: timed.milliseconds,
      redisCpuMsPerRoomRead: redisCpu,
      metricsSnapshot: metrics,
      indexRebuild: rebuild,
      ping: pings,
      lastPlan: timed.plan,
      target: { checkHealthP50Ms: 100, metricsSnapshot: 'same cost at 1,000 and 10,000 rooms' },
    });
  } finally {
    await redis.quit();
    await stores.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The one-off cost of indexing rooms written before the index existed: the index keys of the big
 * scheduler are deleted and rebuilt by one script (Redis is busy with nothing else meanwhile).
 */
async function timeRebuild(redis: RedisClient, rooms: RedisRoomStore, redisPid: number) {
  const keys = schedulerKeys(SCHEDULER);
  await redis.del(keys.summary, keys.counts, keys.starting);
  const cpuBefore = cpuSeconds(redisPid);
  const startedAt = performance.now();
  const indexed = await rooms.rebuildIndex(SCHEDULER);
  return {
    rooms: indexed,
    milliseconds: round(performance.now() - startedAt, 1),
    redisCpuMs: round((cpuSeconds(redisPid) - cpuBefore) * 1000, 1),
  };
}

/**
 * WARMUP_RUNS + RUNS runs, each timing the steps apart (scheduler read, room summaries, the full
 * room read for comparison, `planHealth`) and then the two activities whole.
 */
async function timeRuns(
  schedulers: PostgresSchedulerStore,
  rooms: RedisRoomStore,
  cacheInvalidator: RedisSchedulerCacheInvalidator,
  autoscaler: RedisAutoscalerState,
) {
  const activities = createHealthActivities({
    schedulers,
    rooms,
    cacheInvalidator,
    timeouts,
    autoscaler,
  });
  const input = { schedulerName: SCHEDULER };
  const steps: Record<string, number[]> = {};
  let plan: HealthPlan | undefined;
  for (let run = 0; run < WARMUP_RUNS + RUNS; run += 1) {
    const time = async <T>(name: string, step: () => Promise<T> | T): Promise<T> => {
      const startedAt = performance.now();
      const value = await step();
      if (run >= WARMUP_RUNS) (steps[name] ??= []).push(performance.now() - startedAt);
      return value;
    };
    const scheduler = (await time('getScheduler', () => schedulers.getScheduler(SCHEDULER)))!;
    const listed = await time('listRoomSummaries', () => rooms.listRoomSummaries(SCHEDULER));
    await time('listRoomsFullRead', () => rooms.listRooms(SCHEDULER));
    plan = await time('planHealth', () => planHealth(scheduler, listed, timeouts, new Date()));
    await time('checkHealth', () => activities.checkHealth(input));
    await time('planHealthActions', () => activities.planHealthActions(input));
  }
  return {
    milliseconds: Object.fromEntries(Object.entries(steps).map(([k, v]) => [k, stats(v)])),
    plan: plan && { ...plan, expired: plan.expired.length, replace: plan.replace.length },
  };
}

/** Redis's CPU time per `read` of the big scheduler's rooms, over RUNS reads in a row. */
async function redisCpuPerRead(redisPid: number, read: () => Promise<unknown>) {
  const before = cpuSeconds(redisPid);
  for (let i = 0; i < RUNS; i++) await read();
  return round(((cpuSeconds(redisPid) - before) * 1000) / RUNS, 1);
}

/** The metrics reporter's snapshot of `scheduler`, METRICS_RUNS times after warm-ups. */
async function timeMetrics(rooms: RedisRoomStore, scheduler: Scheduler, redisPid: number) {
  for (let i = 0; i < WARMUP_RUNS; i++) await snapshotOf(scheduler, rooms, timeouts);
  const durations: number[] = [];
  const cpuBefore = cpuSeconds(redisPid);
  let snapshot: Awaited<ReturnType<typeof snapshotOf>> | undefined;
  for (let i = 0; i < METRICS_RUNS; i++) {
    const startedAt = performance.now();
    snapshot = await snapshotOf(scheduler, rooms, timeouts);
    durations.push(performance.now() - startedAt);
  }
  return {
    milliseconds: stats(durations),
    redisCpuMsPerSnapshot: round(((cpuSeconds(redisPid) - cpuBefore) * 1000) / METRICS_RUNS, 2),
    currentRooms: snapshot?.currentRooms,
    desiredRooms: snapshot?.desiredRooms,
  };
}

/**
 * Redis's own time per ping script (INFO commandstats, `evalsha`), index upkeep included: PINGS
 * pings of the big scheduler's ready rooms, 64 in flight.
 */
async function timePings(redis: RedisClient, rooms: RedisRoomStore) {
  const ready = await rooms.listRoomIdsByStatus(SCHEDULER, 'ready');
  await redis.config('RESETSTAT');
  const ping = (i: number) =>
    rooms.ping({
      scheduler: SCHEDULER,
      roomId: ready[i % ready.length]!,
      pingStatus: 'ready',
      metadata: {},
      runningMatches: 0,
      maxMatches: 1,
    });
  for (let i = 0; i < PINGS; i += 64) {
    await Promise.all(Array.from({ length: Math.min(64, PINGS - i) }, (_, j) => ping(i + j)));
  }
  const stats = await redis.info('commandstats');
  const line = stats.split('\n').find((l) => l.startsWith('cmdstat_evalsha:')) ?? '';
  const usec = /usec_per_call=([\d.]+)/.exec(line)?.[1];
  return { pings: PINGS, redisUsecPerPingScript: usec === undefined ? null : Number(usec) };
}

function stats(values: readonly number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    p50: round(percentile(sorted, 50), 1),
    p99: round(percentile(sorted, 99), 1),
    min: round(sorted[0]!, 1),
    max: round(sorted.at(-1)!, 1),
  };
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
