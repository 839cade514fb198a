/**
 * Per-unit costs for the capacity model (docs/capacity.md), measured on a whole maestro: its own
 * Temporal dev server, PostgreSQL and Redis, and the worker, runtime watcher, metrics reporter and
 * Rooms API in this process (local runtime). Measures:
 *  - per operation kind: Temporal actions (billable history events of the operation's workflow and
 *    of its scheduler's workflow while it ran) and history bytes (the operation workflow's own,
 *    as the server reports it);
 *  - per room: Redis memory and keys (10,000 rooms written as the system writes them);
 *  - per ping and per allocation through the Rooms API over HTTP: Redis commands (`INFO
 *    commandstats`: a script and every command it ran) and the Redis server's CPU.
 * Writes bench/results/capacity-unit-costs.json. Run: npm run bench:capacity
 */
import { Agent, request } from 'node:http';
import pino from 'pino';
import { createRedisClient, type RedisClient } from '../../src/adapters/redis/client';
import { RedisRoomStore } from '../../src/adapters/redis/redis-room-store';
import { loadConfig } from '../../src/config/load';
import type { OperationInput, OperationName } from '../../src/domain/operations/definitions';
import { validateScheduler } from '../../src/domain/scheduler/validation';
import { freePort } from '../../scripts/local-infra/paths';
import { operationResult } from '../support/operation-result';
import { commandLine, machineInfo, round, setting, sleep, writeResult } from '../support/results';
import { cpuSeconds } from '../support/maestro-process';
import { seedRooms } from '../support/seed-rooms';
import { benchScheduler, startStack } from '../support/stack';
import { countActions, listRuns } from '../support/temporal-actions';

const ROOMS = setting('BENCH_ROOMS', 10_000);
const PINGS = setting('BENCH_PINGS', 5_000);
const ALLOCATIONS = setting('BENCH_ALLOCATIONS', 1_000);
const REPEATS = setting('BENCH_OPERATION_REPEATS', 5);
const CHECK_MS = 2_000;
const CHECKS = setting('BENCH_IDLE_CHECKS', 10);
const OPERATIONS_SCHEDULER = 'capacity-ops';
const ROOMS_SCHEDULER = 'capacity-rooms';

type Stack = Awaited<ReturnType<typeof startStack>>;

async function main() {
  const machine = machineInfo();
  const roomsApiPort = await freePort();
  const stack = await startStack({
    healthControllerIntervalMs: loadConfig({}).operations.healthControllerIntervalMs,
    modules: ['worker', 'runtime-watcher', 'metrics-reporter', 'rooms-api'],
    // No health nudges: rooms added beyond the scheduler's size would be removed again by the
    // health controller, and its actions counted with the operation measured.
    env: { MAESTRO_ROOMS_API_PORT: String(roomsApiPort), MAESTRO_HEALTH_WATCH_INTERVAL_MS: '0' },
  });
  const redis = createRedisClient(
    { url: stack.environment['MAESTRO_REDIS_URL']!, keyPrefix: '' },
    pino({ level: 'warn' }),
  );
  let measured;
  try {
    await new Promise((resolve) => redis.once('ready', resolve));
    const operations = await operationCosts(stack);
    const rooms = await roomCosts(stack, redis);
    const api = await requestCosts(redis, stack.redisPid, `http://127.0.0.1:${roomsApiPort}`);
    measured = { operations, rooms, api };
  } finally {
    redis.disconnect();
    await stack.stop();
  }
  writeResult('capacity-unit-costs', {
    benchmark: 'per-unit costs for the capacity model',
    command: 'npm run bench:capacity',
    exactCommand: commandLine(),
    machine,
    temporalPerOperation: measured.operations,
    temporalIdleHistory: await idleHistoryGrowth(),
    redisPerRoom: measured.rooms,
    redisPerRequest: measured.api,
  });
}

/**
 * History bytes an idle scheduler adds per safety check (a timer and the check's local-activity
 * marker, with their workflow tasks), on a stack whose checks run every CHECK_MS, scaled to the
 * default interval. Continue-as-new bounds a history; this is what it costs until then.
 */
async function idleHistoryGrowth() {
  const defaults = loadConfig({}).operations;
  const stack = await startStack({ healthControllerIntervalMs: CHECK_MS });
  try {
    const name = 'capacity-idle';
    await stack.commands.createScheduler(benchScheduler(name));
    while ((await stack.schedulers.getScheduler(name))?.state !== 'in-sync') await sleep(100);
    await sleep(2 * CHECK_MS); // the creation's own events settle
    const handle = stack.client.workflow.getHandle(`scheduler:${name}`);
    const before = await handle.describe();
    await sleep(CHECKS * CHECK_MS);
    const after = await handle.describe();
    const bytesPerCheck = ((after.historySize ?? 0) - (before.historySize ?? 0)) / CHECKS;
    const eventsPerCheck = (after.historyLength - before.historyLength) / CHECKS;
    const checksPerHour = 3_600_000 / defaults.healthControllerIntervalMs;
    return {
      measured: `${CHECKS} checks at ${CHECK_MS} ms`,
      eventsPerCheck: round(eventsPerCheck, 1),
      bytesPerCheck: Math.round(bytesPerCheck),
      bytesPerSchedulerHour: Math.round(bytesPerCheck * checksPerHour),
      atHealthControllerIntervalMs: defaults.healthControllerIntervalMs,
    };
  } finally {
    await stack.stop();
  }
}

/** Each operation kind REPEATS times, one at a time: actions and history bytes per operation. */
async function operationCosts(stack: Stack) {
  await stack.commands.createScheduler(benchScheduler(OPERATIONS_SCHEDULER));
  while ((await stack.schedulers.getScheduler(OPERATIONS_SCHEDULER))?.state !== 'in-sync') {
    await sleep(100);
  }
  await sleep(1_000); // the creation's own events settle
  const kinds: Array<{ label: string; run: () => Promise<string> }> = [
    {
      label: 'switch_active_version',
      run: () => stack.commands.switchActiveVersion(OPERATIONS_SCHEDULER, 'v1.0.0'),
    },
    {
      label: 'create_new_scheduler_version (minor)',
      run: async () => {
        const current = (await stack.schedulers.getScheduler(OPERATIONS_SCHEDULER))!;
        const maxSurge = `${(Number.parseInt(current.maxSurge, 10) % 50) + 1}%`;
        return stack.commands.patchScheduler(OPERATIONS_SCHEDULER, { maxSurge });
      },
    },
    { label: 'add_rooms (5 rooms)', run: () => enqueue(stack, 'add_rooms', { amount: 5 }) },
    {
      label: 'remove_rooms (5 rooms)',
      run: () =>
        enqueue(stack, 'remove_rooms', { amount: 5, rooms_ids: null, reason: 'capacity bench' }),
    },
  ];
  const results: Record<string, object> = {};
  for (const kind of kinds) {
    const actions: number[] = [];
    const historyBytes: number[] = [];
    const byKind: Record<string, number> = {};
    for (let i = 0; i < REPEATS; i++) {
      const from = new Date();
      const id = await kind.run();
      await operationResult(stack.client, id);
      await sleep(300); // the scheduler workflow records the final status
      const to = new Date();
      const runs = [
        ...(await listRuns(stack.client, `WorkflowId = "scheduler:${OPERATIONS_SCHEDULER}"`)),
        ...(await listRuns(stack.client, `WorkflowId = "${id}"`)),
      ];
      const count = await countActions(stack.client, runs, { from, to });
      actions.push(count.total);
      for (const [k, v] of Object.entries(count.byKind)) byKind[k] = (byKind[k] ?? 0) + v;
      historyBytes.push((await stack.client.workflow.getHandle(id).describe()).historySize ?? 0);
    }
    results[kind.label] = {
      actionsPerOperation: round(mean(actions), 1),
      byKindPerOperation: Object.fromEntries(
        Object.entries(byKind).map(([k, v]) => [k, round(v / REPEATS, 1)]),
      ),
      historyBytesPerOperation: Math.round(mean(historyBytes)),
    };
  }
  return { repeats: REPEATS, kinds: results };
}

function enqueue<N extends OperationName>(stack: Stack, name: N, input: OperationInput<N>) {
  return stack.queue.enqueue(OPERATIONS_SCHEDULER, name, input);
}

/** ROOMS rooms written as the system writes them: Redis memory and keys per room. */
async function roomCosts(stack: Stack, redis: RedisClient) {
  await stack.schedulers.createScheduler(
    validateScheduler({ ...benchScheduler(ROOMS_SCHEDULER), roomsReplicas: ROOMS }),
  );
  const store = new RedisRoomStore(redis, { allocationTtlMs: 300_000 });
  const before = { memory: await usedMemory(redis), keys: await redis.dbsize() };
  const seeded = await seedRooms(store, ROOMS_SCHEDULER, ROOMS);
  const after = { memory: await usedMemory(redis), keys: await redis.dbsize() };
  return {
    rooms: ROOMS,
    statuses: seeded.statuses,
    bytesPerRoom: Math.round((after.memory - before.memory) / ROOMS),
    keysPerRoom: round((after.keys - before.keys) / ROOMS, 2),
  };
}

/** Pings (ready rooms staying ready) and allocations through the Rooms API over HTTP. */
async function requestCosts(redis: RedisClient, redisPid: number, roomsApi: string) {
  const agent = new Agent({ keepAlive: true, maxSockets: 16 });
  const roomId = (i: number) => `${ROOMS_SCHEDULER}-${String(i).padStart(6, '0')}`;
  // seedRooms makes the first 70 % of the rooms ready: ping those.
  const readyRooms = Math.floor(ROOMS * 0.7);
  const ping = (i: number) =>
    call(
      agent,
      roomsApi,
      'PUT',
      `/scheduler/${ROOMS_SCHEDULER}/rooms/${roomId(i % readyRooms)}/ping`,
      {
        status: 'ready',
        timestamp: Math.floor(Date.now() / 1000),
        runningMatches: 0,
      },
    );
  const allocate = () =>
    call(agent, roomsApi, 'POST', `/scheduler/${ROOMS_SCHEDULER}/rooms/allocate`, {});
  const pings = await measureRequests(redis, redisPid, PINGS, ping);
  const allocations = await measureRequests(redis, redisPid, ALLOCATIONS, allocate);
  agent.destroy();
  return { ping: pings, allocation: allocations };
}

async function measureRequests(
  redis: RedisClient,
  redisPid: number,
  count: number,
  send: (i: number) => Promise<number>,
) {
  const before = await commandStats(redis);
  const cpuBefore = cpuSeconds(redisPid);
  const statuses = new Map<number, number>();
  for (let i = 0; i < count; i += 16) {
    const batch = Array.from({ length: Math.min(16, count - i) }, (_, j) => send(i + j));
    for (const status of await Promise.all(batch)) {
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }
  }
  const redisCpuMicros = (cpuSeconds(redisPid) - cpuBefore) * 1e6;
  const after = await commandStats(redis);
  const calls: Record<string, number> = {};
  let totalCalls = 0;
  for (const [command, stat] of after) {
    const previous = before.get(command) ?? { calls: 0 };
    const added = stat.calls - previous.calls;
    if (added <= 0 || command === 'info') continue;
    calls[command] = round(added / count, 2);
    totalCalls += added;
  }
  return {
    requests: count,
    answers: Object.fromEntries(statuses),
    redisCommandsPerRequest: round(totalCalls / count, 2),
    redisCommandsByName: calls,
    // The server process's CPU (commandstats' microseconds count a script and its inner commands).
    redisCpuMicrosecondsPerRequest: round(redisCpuMicros / count, 1),
  };
}

/** `INFO commandstats`: calls by command, a script (`evalsha`) and each command it ran. */
async function commandStats(redis: RedisClient) {
  const text = await redis.info('commandstats');
  const stats = new Map<string, { calls: number }>();
  for (const line of text.split('\n')) {
    const match = /^cmdstat_([^:]+):calls=(\d+)/.exec(line.trim());
    if (match) stats.set(match[1]!, { calls: Number(match[2]) });
  }
  return stats;
}

async function usedMemory(redis: RedisClient): Promise<number> {
  const text = await redis.info('memory');
  return Number(/used_memory:(\d+)/.exec(text)?.[1] ?? 0);
}

function call(agent: Agent, base: string, method: string, path: string, body: object) {
  return new Promise<number>((resolve, reject) => {
    const payload = JSON.stringify(body);
    const req = request(
      `${base}${path}`,
      {
        method,
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(payload),
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

const mean = (values: readonly number[]) =>
  values.reduce((sum, value) => sum + value, 0) / Math.max(1, values.length);

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
