/**
 * Wake on allocate (issue #17): the time from `POST …/rooms/allocate {"wait": "60s"}` on a
 * scheduler at zero rooms to the answer with an allocated room, on the local runtime (rooms are
 * the sample game room, a Node process pinging the Rooms API) and on Kubernetes with KWOK nodes
 * (`RoomPinger` sends the first ping of a pod once it runs). One `min: 0` scheduler per runtime,
 * drained to zero before each run by the real idle path (the autoscaling clock moved past `idleAfter`;
 * the woken room is released after each run with a 1 s allocation TTL and a ready ping), so the
 * worker's load stays the same across runs; maestro's worker, runtime watcher and Rooms API run
 * in-process with the production health controller interval (15 min): only the allocation's
 * nudge wakes the scheduler. Reports median and p95 per runtime, when the room was created (the
 * nudge → health_controller → add_rooms part).
 * Run: npm run bench:wake, or node --import tsx bench/autoscaling/wake-latency.ts
 * (BENCH_RUNS=20, BENCH_RUNTIMES=local,kubernetes).
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import { freePort } from '../../scripts/local-infra/paths';
import type { ModuleName } from '../../src/config/load';
import { startBenchCluster } from '../support/kube-bench-cluster';
import { commandLine, machineInfo, round, setting, sleep, writeResult } from '../support/results';
import { RoomPinger } from '../support/room-pinger';
import { ALLOCATION_POLL } from '../../src/app/allocation-waiters';
import { benchDirectory, benchScheduler, percentile, startStack } from '../support/stack';

const RUNS = setting('BENCH_RUNS', 20);
const RUNTIMES = (process.env['BENCH_RUNTIMES'] ?? 'local,kubernetes').split(',');
const MODULES: ModuleName[] = ['worker', 'runtime-watcher', 'rooms-api'];
const IDLE_AFTER = '1m';
/** Each drain moves the autoscaling clock this far: past `idleAfter`. */
const CLOCK_STEP_MS = 2 * 60_000;
/** Allocations expire fast, so the woken room is free again (and the scheduler idle) at once. */
const ALLOCATION_TTL_MS = 1_000;
const GAME_ROOM = path.resolve(__dirname, '../../examples/game-room/index.js');

type Stack = Awaited<ReturnType<typeof startStack>>;

async function main() {
  const machine = machineInfo();
  const results: Record<string, unknown> = {};
  for (const runtime of RUNTIMES) results[runtime] = await measureOn(runtime);
  writeResult('wake-latency', {
    benchmark: 'allocate with wait on a scheduler at zero rooms → allocated room (issue #17)',
    command: 'npm run bench:wake',
    exactCommand: commandLine(),
    machine,
    setup: {
      runsPerRuntime: RUNS,
      inProcessModules: MODULES,
      healthControllerIntervalMs: 900_000,
      scaleToZero: { idleAfter: IDLE_AFTER, allocateWait: '60s' },
      allocationPolling: `${ALLOCATION_POLL.firstMs} ms, then every ${ALLOCATION_POLL.maxMs} ms`,
    },
    results,
  });
}

/** How far ahead of real time the autoscaling clock runs; each drain moves it past `idleAfter`. */
let clockAheadMs = 0;

async function measureOn(runtime: string) {
  const dir = benchDirectory(`wake-${runtime}`);
  const cleanups: Array<() => Promise<unknown>> = [
    () => Promise.resolve(rmSync(dir, { recursive: true, force: true })),
  ];
  try {
    const kube = runtime === 'kubernetes' ? await startBenchCluster(dir, cleanups) : undefined;
    const roomsApiAddress = `http://127.0.0.1:${await freePort()}`;
    const stack = await startStack({
      healthControllerIntervalMs: 900_000,
      modules: MODULES,
      autoscalingClock: () => new Date(Date.now() + clockAheadMs),
      env: {
        MAESTRO_ROOMS_API_PORT: new URL(roomsApiAddress).port,
        MAESTRO_ROOM_ALLOCATION_TTL_MS: String(ALLOCATION_TTL_MS),
        MAESTRO_ROOM_PING_TIMEOUT_MS: '3600000',
        ...(kube
          ? { MAESTRO_RUNTIME: 'kubernetes', MAESTRO_KUBERNETES_KUBECONFIG: kube.kubeconfig }
          : { MAESTRO_RUNTIME: 'local' }),
      },
    });
    cleanups.push(() => stack.stop());
    const name = `wake-${runtime.slice(0, 4)}`;
    await stack.commands.createScheduler(schedulerOf(name, runtime, roomsApiAddress));
    const pinger =
      runtime === 'kubernetes'
        ? new RoomPinger({
            rooms: stack.system.resources.roomStore(),
            scheduler: name,
            roomsApiAddress,
            concurrency: 4,
            intervalMs: 20,
          })
        : undefined;
    pinger?.start();
    cleanups.push(async () => pinger?.stop());
    const runs = [];
    for (let run = 0; run < RUNS; run += 1) {
      await drained(stack, name);
      runs.push(await wakeOnce(stack, name, roomsApiAddress));
    }
    const pinged = pinger && {
      pinger: { pings: pinger.pings, failed: pinger.failedPings, failedReads: pinger.failedReads },
    };
    return { ...summary(runs), ...pinged };
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup();
  }
}

/** Moves the autoscaling clock past `idleAfter` and waits until the scheduler has no room left. */
async function drained(stack: Stack, name: string): Promise<void> {
  const rooms = stack.system.resources.roomStore();
  clockAheadMs += CLOCK_STEP_MS;
  const startedAt = Date.now();
  while ((await rooms.listRooms(name)).length > 0) {
    if (Date.now() - startedAt > 120_000) throw new Error(`${name} did not drain to zero`);
    await sleep(100);
  }
  await sleep(1_000); // settled at zero
}

/** One waiting allocation on the scheduler at zero; then the room is released (ready again). */
async function wakeOnce(stack: Stack, name: string, roomsApiAddress: string) {
  const rooms = stack.system.resources.roomStore();
  const startedAt = Date.now();
  const response = await fetch(`${roomsApiAddress}/scheduler/${name}/rooms/allocate`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ wait: '60s' }),
  });
  const latencyMs = Date.now() - startedAt;
  const answer = (await response.json()) as { roomId?: string };
  if (response.status !== 200 || !answer.roomId) {
    throw new Error(`${name}: HTTP ${response.status} ${JSON.stringify(answer)}`);
  }
  const room = await rooms.getRoom(name, answer.roomId);
  const roomCreatedMs = room ? room.createdAt.getTime() - startedAt : undefined;
  // Past the allocation TTL, a ready ping returns the room to ready: the scheduler may idle.
  await sleep(ALLOCATION_TTL_MS + 100);
  await fetch(`${roomsApiAddress}/scheduler/${name}/rooms/${answer.roomId}/ping`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ status: 'ready', timestamp: Math.floor(Date.now() / 1000) }),
  });
  return { latencyMs, roomCreatedMs };
}

function schedulerOf(name: string, runtime: string, roomsApiAddress: string) {
  const base = benchScheduler(name);
  const container = base.spec.containers[0]!;
  const local = {
    ...container,
    command: ['node', GAME_ROOM],
    environment: [
      { name: 'ROOMS_API_ADDRESS', value: roomsApiAddress },
      { name: 'PING_INTERVAL_MS', value: '10000' },
    ],
    ports: [{ name: 'game', protocol: 'tcp', port: 7777 }],
  };
  return {
    ...base,
    portRange: { start: 41_000, end: 41_199 },
    spec: { ...base.spec, containers: [runtime === 'local' ? local : container] },
    autoscaling: {
      enabled: true,
      min: 0,
      max: 5,
      cooldown: 0,
      policy: { type: 'fixedBuffer', parameters: { fixedBuffer: { amount: 1 } } },
      scaleToZero: { idleAfter: IDLE_AFTER, allocateWait: '60s' },
    },
  };
}

function summary(runs: Array<{ latencyMs: number; roomCreatedMs: number | undefined }>) {
  const stats = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    return {
      medianMs: round(percentile(sorted, 50), 0),
      p95Ms: round(percentile(sorted, 95), 0),
      minMs: sorted[0],
      maxMs: sorted.at(-1),
    };
  };
  const created = runs.flatMap((run) =>
    run.roomCreatedMs === undefined ? [] : [run.roomCreatedMs],
  );
  return {
    runs: runs.length,
    requestToAllocatedRoom: stats(runs.map((run) => run.latencyMs)),
    requestToRoomCreated: stats(created),
    latenciesMs: runs.map((run) => run.latencyMs),
  };
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
