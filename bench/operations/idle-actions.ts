/**
 * Temporal actions of idle and busy schedulers, and how fast a dead room's replacement starts
 * (issue #14, point 1: ≤ 20 actions/hour idle, ≤ 200 busy, latency no worse than the old 60 s
 * interval). Production defaults throughout (15-minute safety interval, health watch every 5 s,
 * 1 h supervisor heartbeat timeout, daily rotation), real time, local runtime, rooms played by the
 * room simulator through the real Rooms API. Schedulers, all measured over the same window:
 * idle with fixed roomsReplicas, idle with the roomOccupancy autoscaler, and busy variants of
 * both where one room flips ready ↔ occupied every second. Actions are counted per scheduler in
 * the histories of its workflow, its supervisors and operations (client signals included), and
 * for the whole namespace by the server's own `action` meter (heartbeats included); heartbeats
 * and daily rotations, too rare for the window, are added by calculation. Then the latency from a
 * room's death (its process killed) to its add_rooms operation being created.
 * Run: npm run bench:operations (BENCH_IDLE_WINDOW_MS, default 10 min; BENCH_DEATHS, default 5).
 */
import pino from 'pino';
import { createRedisClient } from '../../src/adapters/redis/client';
import { RedisRoomStore } from '../../src/adapters/redis/redis-room-store';
import { loadConfig } from '../../src/config/load';
import { freePort } from '../../scripts/local-infra/paths';
import { RoomSimulator } from '../../test/support/room-simulator';
import { schedulerDefinition } from '../../test/support/test-scheduler';
import { commandLine, machineInfo, round, setting, sleep, writeResult } from '../support/results';
import { startStack } from '../support/stack';
import {
  countActions,
  heartbeatsPerHour,
  listRuns,
  meteredActions,
  meteredBetween,
  SUPERVISOR_ROTATIONS_PER_HOUR,
} from '../support/temporal-actions';

/** One safety interval: each scheduler's periodic check falls in it once. */
const WINDOW_MS = setting('BENCH_IDLE_WINDOW_MS', 900_000);
const SETTLE_MS = setting('BENCH_IDLE_SETTLE_MS', 30_000);
const DEATHS = setting('BENCH_DEATHS', 5);
const DEFAULTS = loadConfig({});
const log = pino({ level: 'silent' });

const autoscaling = {
  enabled: true,
  min: 2,
  max: 10,
  cooldown: 0,
  policy: { type: 'roomOccupancy', parameters: { roomOccupancy: { readyTarget: 0.5 } } },
};

/**
 * Each group's schedulers; `busy` ones have one room flipping ready ↔ occupied every second. With
 * `min: 2` the autoscaler absorbs one flipping room (the plan never changes); `busy-resizing`
 * (`min: 1`, no cooldown) wants 2 rooms while it is occupied and 1 while it is ready: every flip
 * changes the plan, the worst case for nudges (their rate limit is what bounds it).
 */
const GROUPS = [
  { group: 'idle-fixed', count: 3, isBusy: false, overrides: { roomsReplicas: 2 } },
  { group: 'idle-autoscaled', count: 2, isBusy: false, overrides: { autoscaling } },
  { group: 'busy-fixed', count: 1, isBusy: true, overrides: { roomsReplicas: 2 } },
  { group: 'busy-autoscaled', count: 1, isBusy: true, overrides: { autoscaling } },
  {
    group: 'busy-resizing',
    count: 1,
    isBusy: true,
    overrides: { autoscaling: { ...autoscaling, min: 1 } },
  },
];

async function main() {
  const machine = machineInfo();
  const roomsApiPort = await freePort();
  const stack = await startStack({
    healthControllerIntervalMs: DEFAULTS.operations.healthControllerIntervalMs,
    modules: ['worker', 'runtime-watcher', 'metrics-reporter', 'rooms-api'],
    env: { MAESTRO_ROOMS_API_PORT: String(roomsApiPort) },
  });
  const redis = createRedisClient(stack.config.redis, log);
  const rooms = new RedisRoomStore(redis, { allocationTtlMs: stack.config.rooms.allocationTtlMs });
  const simulator = new RoomSimulator({
    rooms,
    schedulers: stack.schedulers,
    roomsApiAddress: `http://127.0.0.1:${roomsApiPort}`,
    intervalMs: 500,
  });
  simulator.start();
  try {
    const schedulers = GROUPS.flatMap(({ group, count, isBusy, overrides }, g) =>
      Array.from({ length: count }, (_, i) => ({
        name: `${group}-${i}`,
        group,
        isBusy,
        definition: {
          ...schedulerDefinition(`${group}-${i}`),
          ...overrides,
          portRange: { start: 30_000 + (g * 10 + i) * 100, end: 30_000 + (g * 10 + i) * 100 + 99 },
        },
      })),
    );
    for (const s of schedulers) {
      s.definition.spec.containers[0]!.command = ['sleep', '86400'];
      await stack.commands.createScheduler(s.definition);
    }
    for (const s of schedulers) {
      await readyRooms(rooms, s.name, s.group === 'busy-resizing' ? 1 : 2);
    }
    const meteredAtStart = await meteredActions(stack.temporalPid);
    console.log(`schedulers ready; settling ${SETTLE_MS} ms`);
    await sleep(SETTLE_MS);

    // The measured window: the busy schedulers' first room flips every second.
    const flippers = await Promise.all(
      schedulers
        .filter((s) => s.isBusy)
        .map(async (s) => ({ scheduler: s.name, id: (await rooms.listRooms(s.name))[0]!.id })),
    );
    let isOccupied = false;
    let flips = 0;
    const flip = setInterval(() => {
      isOccupied = !isOccupied;
      flips += 1;
      for (const { id } of flippers) {
        if (isOccupied) simulator.occupy(id);
        else simulator.free(id);
      }
    }, 1_000);
    const meteredBefore = await meteredActions(stack.temporalPid);
    const statusChanges = watchStatusChanges(rooms, flippers);
    const window = { from: new Date(), to: new Date(Date.now() + WINDOW_MS) };
    await sleep(WINDOW_MS);
    clearInterval(flip);
    const observedChanges = await statusChanges.stop();
    flippers.forEach(({ id }) => simulator.free(id));
    const metered = meteredBetween(meteredBefore, await meteredActions(stack.temporalPid));

    const hours = WINDOW_MS / 3_600_000;
    const backstop =
      heartbeatsPerHour(DEFAULTS.operations.supervisionHeartbeatTimeoutMs) +
      SUPERVISOR_ROTATIONS_PER_HOUR;
    const perScheduler: Array<{ group: string; actionsPerHour: number } & Record<string, unknown>> =
      [];
    for (const s of schedulers) {
      const runs = [
        ...(await listRuns(stack.client, `WorkflowId = "scheduler:${s.name}"`)),
        ...(await listRuns(stack.client, `MaestroScheduler = "${s.name}"`)),
      ];
      const counts = await countActions(stack.client, runs, window);
      perScheduler.push({
        scheduler: s.name,
        group: s.group,
        inHistoriesPerHour: round(counts.total / hours, 1),
        actionsPerHour: round(counts.total / hours + backstop, 1),
        inHistoriesByKind: counts.byKind,
        inHistoriesByWorkflowType: counts.byWorkflowType,
      });
    }
    const byGroup = Object.fromEntries(
      GROUPS.map(({ group }) => {
        const rows = perScheduler.filter((row) => row.group === group);
        const mean = rows.reduce((sum, row) => sum + row.actionsPerHour, 0) / rows.length;
        return [group, round(mean, 1)];
      }),
    );
    const meteredTotal = Object.values(metered).reduce((a, b) => a + b, 0);

    const deaths = await deathLatencies(
      stack,
      rooms,
      schedulers.filter((s) => s.group === 'idle-fixed'),
    );
    const sorted = [...deaths].sort((a, b) => a - b);
    writeResult('idle-actions', {
      benchmark: 'Temporal actions of idle and busy schedulers; death → replacement latency',
      command: 'npm run bench:operations',
      exactCommand: commandLine(),
      machine,
      settings: {
        healthControllerIntervalMs: DEFAULTS.operations.healthControllerIntervalMs,
        healthWatchIntervalMs: DEFAULTS.runtimeWatcher.healthWatchIntervalMs,
        healthNudgeMinGapMs: DEFAULTS.runtimeWatcher.healthNudgeMinGapMs,
        supervisionHeartbeatTimeoutMs: DEFAULTS.operations.supervisionHeartbeatTimeoutMs,
        roomPingTimeoutMs: DEFAULTS.health.roomPingTimeoutMs,
        windowMs: WINDOW_MS,
        roomsPerScheduler: 2,
        busy: 'one room flips ready ↔ occupied every second (pings through the Rooms API)',
        autoscaling,
      },
      actionsPerHourPerScheduler: byGroup,
      backstopPerHourAddedByCalculation: {
        supervisorHeartbeats: round(
          heartbeatsPerHour(DEFAULTS.operations.supervisionHeartbeatTimeoutMs),
          2,
        ),
        supervisorRotations: round(SUPERVISOR_ROTATIONS_PER_HOUR, 2),
      },
      busyRooms: { flips, statusChangesObservedInStorage: observedChanges },
      meteredByServer: {
        duringSetup: meteredBetween(meteredAtStart, meteredBefore),
        schedulers: schedulers.length,
        totalPerHour: round(meteredTotal / hours, 1),
        perSchedulerPerHour: round(meteredTotal / hours / schedulers.length, 1),
        byType: metered,
      },
      perScheduler,
      deathToReplacementMs: {
        samples: deaths,
        p50: sorted[Math.floor((sorted.length - 1) / 2)],
        max: sorted.at(-1),
        before: `up to MAESTRO_HEALTH_CONTROLLER_INTERVAL_MS (then 60 s) after the watcher saw it`,
      },
      date: new Date().toISOString(),
    });
  } finally {
    await simulator.stop();
    redis.disconnect();
    await stack.stop();
  }
}

type Stack = Awaited<ReturnType<typeof startStack>>;

/** Counts the status changes of `rooms` in room storage (polled every 250 ms) until stopped. */
function watchStatusChanges(
  store: RedisRoomStore,
  rooms: ReadonlyArray<{ scheduler: string; id: string }>,
) {
  const last = new Map<string, string>();
  let changes = 0;
  let isStopped = false;
  const polling = (async () => {
    while (!isStopped) {
      for (const { scheduler, id } of rooms) {
        const status = (await store.getRoom(scheduler, id))?.status;
        if (status && last.has(id) && last.get(id) !== status) changes += 1;
        if (status) last.set(id, status);
      }
      await sleep(250);
    }
  })();
  return {
    async stop() {
      isStopped = true;
      await polling;
      return changes;
    },
  };
}

async function readyRooms(rooms: RedisRoomStore, scheduler: string, count: number) {
  const deadline = Date.now() + 300_000;
  let statuses: string[] = [];
  while (Date.now() < deadline) {
    statuses = (await rooms.listRooms(scheduler)).map((room) => room.status);
    if (statuses.filter((status) => status === 'ready').length >= count) return;
    await sleep(500);
  }
  throw new Error(`${scheduler} has not ${count} ready rooms after 5 minutes: ${statuses.join()}`);
}

/**
 * Kills a room's process (its instance deleted on the runtime, as when a pod vanishes) on each
 * scheduler in turn and measures until the health controller's add_rooms operation is created.
 */
async function deathLatencies(
  stack: Stack,
  rooms: RedisRoomStore,
  schedulers: ReadonlyArray<{ name: string }>,
): Promise<number[]> {
  const runtime = stack.system.resources.runtime();
  const latencies: number[] = [];
  for (let i = 0; i < DEATHS; i += 1) {
    const { name } = schedulers[i % schedulers.length]!;
    await readyRooms(rooms, name, 2);
    await sleep(DEFAULTS.runtimeWatcher.healthNudgeMinGapMs); // no debounce left from before
    const [victim] = await rooms.listRooms(name);
    const killedAt = Date.now();
    await runtime.deleteRoom({ scheduler: name, roomId: victim!.id, reason: 'bench' });
    latencies.push(await addRoomsCreatedAfter(stack, name, killedAt));
    console.log(`death ${i + 1}: add_rooms after ${latencies.at(-1)} ms`);
  }
  return latencies;
}

async function addRoomsCreatedAfter(stack: Stack, scheduler: string, since: number) {
  const deadline = since + 2 * DEFAULTS.operations.healthControllerIntervalMs;
  while (Date.now() < deadline) {
    const { pending, active, finished } = await stack.queue.list(scheduler);
    const added = [...pending, ...active, ...finished].find(
      (op) => op.definitionName === 'add_rooms' && Date.parse(op.createdAt) >= since,
    );
    if (added) return Date.parse(added.createdAt) - since;
    await sleep(50);
  }
  throw new Error(`no add_rooms for ${scheduler} after the room's death`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
