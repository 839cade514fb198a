/**
 * One health-controller cycle for a scheduler with 10,000 rooms (issue #6): the rooms are written
 * to a real Redis through RedisRoomStore (created, instance reported, pinged: mostly ready and
 * occupied, some pending, a few failed), the scheduler to a real PostgreSQL, and the two health
 * activities of the worker (`checkHealth`, the scheduler workflow's periodic check, and
 * `planHealthActions`, the health_controller operation's decision) are timed over RUNS runs, with
 * the split between the reads (scheduler, rooms) and `planHealth`. No runtime, no Temporal: the
 * activities are called as the worker calls them. Target: ≤ 1 s.
 * Run: npm run bench:health, or node --import tsx bench/health/cycle-10k.ts
 */
import { rmSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import { createHealthActivities } from '../../activities/health-activities';
import { PostgresSchedulerStore } from '../../src/adapters/postgres/postgres-scheduler-store';
import { createRedisClient } from '../../src/adapters/redis/client';
import { RedisRoomStore } from '../../src/adapters/redis/redis-room-store';
import { RedisSchedulerCacheInvalidator } from '../../src/adapters/redis/redis-scheduler-cache';
import { loadConfig } from '../../src/config/load';
import { planHealth, type HealthPlan } from '../../src/domain/health/health-plan';
import { validateScheduler } from '../../src/domain/scheduler/validation';
import { commandLine, machineInfo, round, setting, writeResult } from '../support/results';
import { cpuSeconds } from '../support/maestro-process';
import { ROOM_MIX, seedRooms } from '../support/seed-rooms';
import { benchDirectory, benchScheduler, percentile, startStores } from '../support/stack';

const ROOMS = setting('BENCH_ROOMS', 10_000);
const RUNS = setting('BENCH_RUNS', 20);
const WARMUP_RUNS = 3;
const SCHEDULER = 'cycle-10k';
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
    await schedulers.createScheduler(
      validateScheduler({ ...benchScheduler(SCHEDULER), roomsReplicas: ROOMS }),
    );
    const seeded = await seedRooms(rooms, SCHEDULER, ROOMS);
    const redisCpuBefore = cpuSeconds(stores.redisPid);
    const timed = await timeRuns(schedulers, rooms, new RedisSchedulerCacheInvalidator(redis, ''));
    const redisCpuMs = ((cpuSeconds(stores.redisPid) - redisCpuBefore) * 1000) / timed.roomReads;
    writeResult('cycle-10k', {
      benchmark: 'health-controller cycle of one scheduler with 10,000 rooms',
      command: 'npm run bench:health',
      exactCommand: commandLine(),
      machine,
      setup: {
        rooms: ROOMS,
        roomMix: ROOM_MIX,
        seededInSeconds: round(seeded.seconds, 1),
        statuses: seeded.statuses,
        runs: RUNS,
        warmupRuns: WARMUP_RUNS,
        stores: 'PostgreSQL and Redis started by the benchmark, on the same 2 cores',
        timeouts,
      },
      milliseconds: timed.milliseconds,
      redisCpuMsPerRoomRead: round(redisCpuMs, 1),
      lastPlan: timed.plan,
      target: { checkHealthP99Ms: 1_000 },
    });
  } finally {
    await redis.quit();
    await stores.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * WARMUP_RUNS + RUNS runs, each timing the steps apart (scheduler read, room read, `planHealth`)
 * and then the two activities whole, as the worker calls them.
 */
async function timeRuns(
  schedulers: PostgresSchedulerStore,
  rooms: RedisRoomStore,
  cacheInvalidator: RedisSchedulerCacheInvalidator,
) {
  const activities = createHealthActivities({ schedulers, rooms, cacheInvalidator, timeouts });
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
    const listed = await time('listRooms', () => rooms.listRooms(SCHEDULER));
    plan = await time('planHealth', () => planHealth(scheduler, listed, timeouts, new Date()));
    await time('checkHealth', () => activities.checkHealth(input));
    await time('planHealthActions', () => activities.planHealthActions(input));
  }
  return {
    milliseconds: Object.fromEntries(Object.entries(steps).map(([k, v]) => [k, stats(v)])),
    plan: plan && { ...plan, expired: plan.expired.length, replace: plan.replace.length },
    /** Full reads of the rooms: listRooms and the two activities, every run. */
    roomReads: 3 * (WARMUP_RUNS + RUNS),
  };
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
