/**
 * Wake on allocate (issue #17): the time from `POST …/rooms/allocate {"wait": "60s"}` on a
 * scheduler at zero rooms to the answer with an allocated room, on the local runtime (rooms are
 * the sample game room, a Node process pinging the Rooms API) and on Kubernetes with KWOK nodes
 * (`RoomPinger` sends the first ping of a pod once it runs). Each run is a new `min: 0` scheduler
 * created on a health clock moved past `idleAfter`, so it sits at zero; maestro's worker, runtime
 * watcher and Rooms API run in-process with the production health controller interval (15 min):
 * only the allocation's nudge wakes the scheduler. Reports median and p95 per runtime, and when the
 * room was created (the nudge → health_controller → add_rooms part) vs when it answered ready.
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
import { benchDirectory, benchScheduler, percentile, startStack } from '../support/stack';

const RUNS = setting('BENCH_RUNS', 20);
const RUNTIMES = (process.env['BENCH_RUNTIMES'] ?? 'local,kubernetes').split(',');
const MODULES: ModuleName[] = ['worker', 'runtime-watcher', 'rooms-api'];
const IDLE_AFTER = '1m';
/** The health clock runs this far ahead: every new min-0 scheduler is idle, at zero rooms. */
const CLOCK_AHEAD_MS = 2 * 60_000;
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
      allocationPolling: '50 ms doubling to 250 ms',
    },
    results,
  });
}

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
      clock: () => new Date(Date.now() + CLOCK_AHEAD_MS),
      env: {
        MAESTRO_ROOMS_API_PORT: new URL(roomsApiAddress).port,
        ...(kube
          ? { MAESTRO_RUNTIME: 'kubernetes', MAESTRO_KUBERNETES_KUBECONFIG: kube.kubeconfig }
          : { MAESTRO_RUNTIME: 'local' }),
      },
    });
    cleanups.push(() => stack.stop());
    const runs = [];
    for (let run = 0; run < RUNS; run += 1) {
      runs.push(await wakeOnce(stack, runtime, roomsApiAddress, run));
    }
    return summary(runs);
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup();
  }
}

/** One scheduler at zero, one waiting allocation: its latency and when its room was created. */
async function wakeOnce(stack: Stack, runtime: string, roomsApiAddress: string, run: number) {
  const name = `wake-${runtime.slice(0, 4)}-${run}`;
  await stack.commands.createScheduler(schedulerAtZero(name, runtime, roomsApiAddress, run));
  const rooms = stack.system.resources.roomStore();
  await sleep(2_000); // created, its workflows up; the plan keeps it at zero
  const before = await rooms.listRooms(name);
  if (before.length > 0) throw new Error(`${name} has ${before.length} rooms, not zero`);
  const pinger =
    runtime === 'kubernetes'
      ? new RoomPinger({ rooms, scheduler: name, roomsApiAddress, concurrency: 4, intervalMs: 20 })
      : undefined;
  pinger?.start();
  try {
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
    return { latencyMs, roomCreatedMs };
  } finally {
    await pinger?.stop();
  }
}

function schedulerAtZero(name: string, runtime: string, roomsApiAddress: string, run: number) {
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
    portRange: { start: 41_000 + run * 20, end: 41_019 + run * 20 },
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
