/**
 * A rolling update of 100 rooms on Kubernetes (issue #14): the cluster of `kwok-scale-up.ts`
 * (real kube-apiserver, kube-scheduler, controller-manager, KWOK nodes), maestro's worker, runtime
 * watcher and Rooms API in-process, `RoomPinger` playing the rooms. A scheduler of 100 rooms
 * (maxSurge 25 %) is brought to 100 ready rooms, 20 of them are made occupied (a ping with status
 * `occupied`), then its container image is changed: a major version, validated by a validation
 * room, then switched to. Measures the time from the version request (and from the switch) until
 * every room that is not occupied runs the new version, ready, and checks that the occupied rooms
 * were kept; with the count of rooms of each kind over time and each operation's timeline.
 * Run once per health-controller interval (`BENCH_HEALTH_INTERVALS_MS`, default maestro's 60 s
 * default and 1 s: the floor of a periodic health check). Target: ≤ 30 s.
 * Run: npm run bench:rollout, or node --import tsx bench/health/kwok-rolling-update.ts
 */
import { rmSync } from 'node:fs';
import type { KubeCluster } from '../../scripts/local-infra/kube-cluster';
import { kubeSchedulerClient, startBenchCluster } from '../support/kube-bench-cluster';
import { freePort } from '../../scripts/local-infra/paths';
import type { ModuleName } from '../../src/config/load';
import type { GameRoom } from '../../src/domain/game-room/room';
import type { RoomStore } from '../../src/ports/room-store';
import { operationTimeline } from '../support/operation-timeline';
import { commandLine, machineInfo, round, setting, sleep, writeResult } from '../support/results';
import { RoomPinger } from '../support/room-pinger';
import { benchDirectory, benchScheduler, startStack } from '../support/stack';

const ROOMS = setting('BENCH_ROOMS', 100);
const OCCUPIED = setting('BENCH_OCCUPIED', 20);
const MAX_SURGE = '25%';
const INTERVALS_MS = (process.env['BENCH_HEALTH_INTERVALS_MS'] ?? '60000,1000')
  .split(',')
  .map(Number);
const TIMEOUT_MS = 900_000;
const PING_TIMEOUT_MS = 3_600_000;
const MODULES: ModuleName[] = ['worker', 'runtime-watcher', 'rooms-api'];
/** As in kwok-scale-up.ts: kube-scheduler's client limit raised (`default` keeps 50/100). */

type Stack = Awaited<ReturnType<typeof startStack>>;

async function main() {
  const machine = machineInfo();
  const dir = benchDirectory('kwok-rollout');
  const cleanups: Array<() => Promise<unknown>> = [
    () => Promise.resolve(rmSync(dir, { recursive: true, force: true })),
  ];
  try {
    const cluster = await startBenchCluster(dir, cleanups);
    const runs = [];
    for (const intervalMs of INTERVALS_MS) runs.push(await rollOnce(cluster, intervalMs));
    writeResult('kwok-rolling-update', {
      benchmark: `rolling update of ${ROOMS} rooms (${OCCUPIED} occupied, maxSurge ${MAX_SURGE}) on Kubernetes (KWOK)`,
      command: 'npm run bench:rollout',
      exactCommand: commandLine(),
      machine,
      setup: {
        nodes: cluster.nodes.length,
        roomPingTimeoutMs: PING_TIMEOUT_MS,
        inProcessModules: MODULES,
        kubeSchedulerClient: kubeSchedulerClient ?? 'kube-scheduler defaults (qps 50, burst 100)',
      },
      target: { secondsToNewVersion: 30 },
      runs,
    });
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup();
  }
}

/** One rolling update on a fresh maestro whose health controller checks every `intervalMs`. */
async function rollOnce(cluster: KubeCluster, intervalMs: number) {
  const name = `rollout-${intervalMs / 1000}s`;
  const roomsApiAddress = `http://127.0.0.1:${await freePort()}`;
  const stack = await startStack({
    healthControllerIntervalMs: intervalMs,
    modules: MODULES,
    env: {
      MAESTRO_RUNTIME: 'kubernetes',
      MAESTRO_KUBERNETES_KUBECONFIG: cluster.kubeconfig,
      MAESTRO_ROOMS_API_PORT: new URL(roomsApiAddress).port,
      // The rooms ping once (RoomPinger plays their start only): without this, the rooms of a
      // run longer than the ping timeout (the 60 s interval's) would expire, occupied ones too.
      MAESTRO_ROOM_PING_TIMEOUT_MS: String(PING_TIMEOUT_MS),
    },
  });
  const rooms = stack.system.resources.roomStore();
  const pinger = new RoomPinger({
    rooms,
    scheduler: name,
    roomsApiAddress,
    concurrency: 32,
    intervalMs: 100,
  });
  try {
    const createdAt = Date.now();
    await stack.commands.createScheduler({
      ...benchScheduler(name),
      roomsReplicas: ROOMS,
      maxSurge: MAX_SURGE,
    });
    pinger.start();
    await until(rooms, name, (all) => all.filter(isServing).length >= ROOMS);
    const secondsToInitialRooms = round((Date.now() - createdAt) / 1000, 1);
    const occupied = await occupy(rooms, name, roomsApiAddress);

    const oldVersion = (await stack.schedulers.getScheduler(name))!.spec.version;
    const startedAt = Date.now();
    await stack.commands.patchScheduler(name, { spec: { containers: [{ image: 'bench-v2' }] } });
    const progress = await followRollout(
      stack,
      name,
      { oldVersion, occupied: new Set(occupied) },
      startedAt,
    );
    const final = await rooms.listRooms(name);
    const kept = final.filter((room) => occupied.includes(room.id) && room.status === 'occupied');
    return {
      healthControllerIntervalMs: intervalMs,
      secondsToInitialRooms,
      ...progress,
      occupiedRooms: { occupied: occupied.length, keptOccupied: kept.length },
      pinger: { pings: pinger.pings, failed: pinger.failedPings, failedReads: pinger.failedReads },
      operations: (await operationTimeline(stack.client, stack.queue, name, startedAt)).filter(
        (operation) => operation.createdAtSeconds >= 0,
      ),
    };
  } finally {
    await pinger.stop();
    await stack.stop();
  }
}

/** Makes OCCUPIED ready rooms occupied (a ping with status `occupied`); their ids. */
async function occupy(rooms: RoomStore, scheduler: string, roomsApiAddress: string) {
  const chosen = (await rooms.listRooms(scheduler))
    .filter((room) => room.status === 'ready')
    .slice(0, OCCUPIED);
  for (const room of chosen) {
    const response = await fetch(
      `${roomsApiAddress}/scheduler/${scheduler}/rooms/${room.id}/ping`,
      {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ status: 'occupied', timestamp: Math.floor(Date.now() / 1000) }),
      },
    );
    if (!response.ok) throw new Error(`occupying ${room.id}: HTTP ${response.status}`);
  }
  await until(rooms, scheduler, (all) => all.filter(isOccupied).length >= OCCUPIED);
  return chosen.map((room) => room.id);
}

/**
 * Follows room storage from the version request until every non-occupied room runs the new
 * version, ready (and ROOMS − OCCUPIED such rooms exist), then until ROOMS new rooms are ready:
 * milestones, and the counts of rooms of each kind whenever they change.
 */
async function followRollout(
  stack: Stack,
  scheduler: string,
  { oldVersion, occupied }: { oldVersion: string; occupied: Set<string> },
  startedAt: number,
) {
  const rooms = stack.system.resources.roomStore();
  const seconds = () => round((Date.now() - startedAt) / 1000, 2);
  const timeline: string[] = [];
  let previous = '';
  let newVersion: string | undefined;
  let switchedAt: number | undefined;
  let replacedAt: number | undefined;
  for (;;) {
    const all = (await rooms.listRooms(scheduler)).filter((room) => !room.isValidationRoom);
    const active = (await stack.schedulers.getScheduler(scheduler))!.spec.version;
    const isNew = (room: GameRoom) => active !== oldVersion && room.version === active;
    if (!newVersion && active !== oldVersion) {
      newVersion = active;
      switchedAt = seconds();
      timeline.push(`${switchedAt} s: active version ${active}`);
    }
    const counts = {
      newReady: all.filter((room) => isNew(room) && room.status === 'ready').length,
      newStarting: all.filter((room) => isNew(room) && isStarting(room)).length,
      oldFree: all.filter((room) => !isNew(room) && (isStarting(room) || room.status === 'ready'))
        .length,
      oldOccupied: all.filter((room) => !isNew(room) && occupied.has(room.id) && isOccupied(room))
        .length,
      terminating: all.filter((room) => room.status === 'terminating').length,
    };
    const line = Object.entries(counts)
      .map(([kind, count]) => `${kind} ${count}`)
      .join(', ');
    if (line !== previous) timeline.push(`${seconds()} s: ${line}`);
    previous = line;
    if (newVersion && !replacedAt && counts.oldFree === 0 && counts.newReady >= ROOMS - OCCUPIED)
      replacedAt = seconds();
    if (replacedAt && counts.newReady >= ROOMS) {
      return {
        secondsToSwitch: switchedAt,
        secondsToNewVersion: replacedAt,
        secondsFromSwitchToNewVersion: round(replacedAt - switchedAt!, 2),
        secondsToAllNewRoomsReady: seconds(),
        newVersion,
        timeline,
      };
    }
    if (Date.now() - startedAt > TIMEOUT_MS) throw new Error(`not rolled: ${timeline.join('\n')}`);
    await sleep(200);
  }
}

async function until(rooms: RoomStore, scheduler: string, done: (all: GameRoom[]) => boolean) {
  const deadline = Date.now() + TIMEOUT_MS;
  while (!done(await rooms.listRooms(scheduler))) {
    if (Date.now() > deadline) throw new Error(`${scheduler}: timed out`);
    await sleep(200);
  }
}

const isServing = (room: GameRoom) => room.status === 'ready' || room.status === 'occupied';
const isOccupied = (room: GameRoom) => room.status === 'occupied';
const isStarting = (room: GameRoom) => room.status === 'pending' || room.status === 'unready';

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
