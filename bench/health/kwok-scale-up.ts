/**
 * 0 → 1,000 ready rooms on Kubernetes (issues #6, #14): a real kube-apiserver, etcd, kube-scheduler,
 * controller-manager and KWOK fake nodes (scripts/local-infra/kube-cluster.sh), the benchmark's
 * own Temporal, PostgreSQL and Redis, and maestro's worker, runtime watcher and Rooms API
 * in-process. A scheduler with roomsReplicas 1,000 is created; the health controller (every 1 s)
 * enqueues add_rooms; KWOK marks the pods running; the benchmark plays the rooms (their first
 * `ready` ping through the Rooms API, `RoomPinger`). Measures the time from the scheduler's
 * creation to 1,000 rooms `ready` in room storage, with milestones along the way, the operations'
 * timeline, the CPU each process used, the API server's requests per room (all clients) and
 * maestro's own (counted by its Kubernetes client). Target: ≤ 10 s, maestro ≤ 2 requests per room.
 * kube-scheduler's client limit is raised to 500/1,000 (results/kwok-scale-up.json);
 * BENCH_KUBE_SCHEDULER_QPS=default keeps the cluster's defaults
 * (results/kwok-scale-up-cluster-defaults.json).
 * Run: npm run bench:health (both), or node --import tsx bench/health/kwok-scale-up.ts
 */
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { KubeCluster } from '../../scripts/local-infra/kube-cluster';
import { kubeSchedulerClient, startBenchCluster } from '../support/kube-bench-cluster';
import { freePort } from '../../scripts/local-infra/paths';
import type { Config, ModuleName } from '../../src/config/load';
import type { RoomStore } from '../../src/ports/room-store';
import type { KubernetesRuntime } from '../../src/adapters/runtime/kubernetes/kubernetes-runtime';
import type { GameRoom } from '../../src/domain/game-room/room';
import { apiserverCounters, requestsBetween, totalOf } from '../support/kube-metrics';
import { cpuSeconds } from '../support/maestro-process';
import { operationTimeline } from '../support/operation-timeline';
import { commandLine, machineInfo, round, setting, sleep, writeResult } from '../support/results';
import { RoomPinger } from '../support/room-pinger';
import { benchDirectory, benchScheduler, startStack } from '../support/stack';

const ROOMS = setting('BENCH_ROOMS', 1_000);
const HEALTH_CONTROLLER_INTERVAL_MS = 1_000;
const PING_CONCURRENCY = 32;
const TIMEOUT_MS = 600_000;
const BACKGROUND_MS = 10_000;
const SCHEDULER = 'scale-up';
const MODULES: ModuleName[] = ['worker', 'runtime-watcher', 'rooms-api'];
const KUBE_COMPONENTS = [
  'kube-apiserver',
  'etcd',
  'kube-scheduler',
  'kube-controller-manager',
  'kwok',
];

/** What a room has reached, in order. */
const STAGES: Record<string, (room: GameRoom) => boolean> = {
  registered: () => true,
  podReported: (room) => room.instance !== undefined,
  podReady: (room) => room.instance?.status === 'ready',
  ready: (room) => room.status === 'ready',
};

type Stack = Awaited<ReturnType<typeof startStack>>;

async function main() {
  const machine = machineInfo();
  const dir = benchDirectory('kwok');
  const cleanups: Array<() => Promise<unknown>> = [
    () => Promise.resolve(rmSync(dir, { recursive: true, force: true })),
  ];
  try {
    const cluster = await startBenchCluster(dir, cleanups);
    const roomsApiAddress = `http://127.0.0.1:${await freePort()}`;
    const stack = await startMaestroOn(cluster, roomsApiAddress);
    cleanups.push(() => stack.stop());
    const pinger = new RoomPinger({
      rooms: stack.system.resources.roomStore(),
      scheduler: SCHEDULER,
      roomsApiAddress,
      concurrency: PING_CONCURRENCY,
      intervalMs: 250,
    });
    cleanups.push(() => pinger.stop());
    const measured = await scaleUp(cluster, stack, pinger);
    // The cluster's own limits are measured apart: kube-scheduler then paces the whole run.
    const isClusterDefault = kubeSchedulerClient === undefined;
    writeResult(isClusterDefault ? 'kwok-scale-up-cluster-defaults' : 'kwok-scale-up', {
      benchmark: `0 → ${ROOMS} ready rooms on Kubernetes (KWOK)`,
      command: 'npm run bench:health',
      exactCommand: commandLine(),
      machine,
      setup: {
        nodes: cluster.nodes.length,
        kubeSchedulerClient: kubeSchedulerClient ?? 'kube-scheduler defaults (qps 50, burst 100)',
        healthControllerIntervalMs: HEALTH_CONTROLLER_INTERVAL_MS,
        inProcessModules: MODULES,
        kubernetesClient: kubernetesClientOf(stack.config.runtime),
        pinger: {
          concurrency: PING_CONCURRENCY,
          pings: pinger.pings,
          failed: pinger.failedPings,
          failedReads: pinger.failedReads,
        },
      },
      target: { secondsToAllReady: 10, maestroRequestsPerRoom: 2 },
      ...measured,
    });
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup();
  }
}

/** The stack with maestro's worker, runtime watcher and Rooms API on the cluster. */
function startMaestroOn(cluster: KubeCluster, roomsApiAddress: string) {
  return startStack({
    healthControllerIntervalMs: HEALTH_CONTROLLER_INTERVAL_MS,
    modules: MODULES,
    env: {
      MAESTRO_RUNTIME: 'kubernetes',
      MAESTRO_KUBERNETES_KUBECONFIG: cluster.kubeconfig,
      MAESTRO_ROOMS_API_PORT: new URL(roomsApiAddress).port,
      // Exploration only (the committed figures use maestro's defaults, 100 and 1,000).
      ...(process.env['BENCH_KUBERNETES_QPS'] && {
        MAESTRO_KUBERNETES_QPS: process.env['BENCH_KUBERNETES_QPS'],
        MAESTRO_KUBERNETES_BURST: process.env['BENCH_KUBERNETES_BURST'] ?? '1000',
      }),
    },
  });
}

/** Creates the scheduler and follows it to ROOMS ready rooms; what it took, and what it cost. */
async function scaleUp(cluster: KubeCluster, stack: Stack, pinger: RoomPinger) {
  const idleStart = await apiserverCounters(cluster);
  await sleep(BACKGROUND_MS);
  const before = await apiserverCounters(cluster);
  const backgroundPerSecond =
    totalOf(requestsBetween(idleStart.requests, before.requests)) / (BACKGROUND_MS / 1000);
  const pids = processIds(cluster, stack);
  const runtime = stack.system.resources.runtime() as KubernetesRuntime;
  const maestroBefore = runtime.requestsSent();
  const cpuBefore = Object.fromEntries(
    Object.entries(pids).map(([n, pid]) => [n, cpuSeconds(pid)]),
  );

  const startedAt = Date.now();
  await stack.commands.createScheduler({
    ...benchScheduler(SCHEDULER),
    roomsReplicas: ROOMS,
    portRange: { start: 40_000, end: 40_000 + 2 * ROOMS - 1 },
  });
  pinger.start();
  const progress = await followRooms(stack.system.resources.roomStore(), startedAt);
  const seconds = (Date.now() - startedAt) / 1000;
  const after = await apiserverCounters(cluster);
  const maestroRequests = requestsBetween(maestroBefore, runtime.requestsSent());
  const requests = requestsBetween(before.requests, after.requests);
  const cpu = Object.fromEntries(
    Object.entries(pids).map(([n, pid]) => [n, round((cpuSeconds(pid) - cpuBefore[n]!) / seconds)]),
  );
  const total = totalOf(requests);
  const background = backgroundPerSecond * seconds;
  return {
    secondsToAllReady: round(seconds, 1),
    secondsToReach: progress,
    cpuSecondsPerSecond: cpu,
    maestroKubernetesRequests: {
      note: "counted by maestro's Kubernetes client (KubeClient.requestsSent): every request it sent, retries included, by operation",
      total: totalOf(maestroRequests),
      perRoom: round(totalOf(maestroRequests) / ROOMS),
      byOperation: maestroRequests,
    },
    kubernetesApiRequests: {
      note: 'apiserver_request_total diff over the run: every client of the cluster (maestro, kube-scheduler, controller-manager, kwok)',
      total,
      backgroundEstimate: Math.round(background),
      perRoom: round(total / ROOMS),
      perRoomWithoutBackground: round((total - background) / ROOMS),
      byVerbAndResource: requests,
      watchesClosedForSlowClients: requestsBetween(
        before.terminatedWatchers,
        after.terminatedWatchers,
      ),
    },
    operations: await operationTimeline(stack.client, stack.queue, SCHEDULER, startedAt),
  };
}

/** Polls room storage until every room is ready: seconds at which each stage reached each milestone. */
async function followRooms(rooms: RoomStore, startedAt: number) {
  const milestones = [1, ROOMS / 4, ROOMS / 2, (3 * ROOMS) / 4, ROOMS].map(Math.ceil);
  const reached: Record<string, Record<number, number>> = {};
  for (;;) {
    const listed = await rooms.listRooms(SCHEDULER);
    const elapsed = round((Date.now() - startedAt) / 1000, 2);
    for (const [stage, isReached] of Object.entries(STAGES)) {
      const count = listed.filter(isReached).length;
      const times = (reached[stage] ??= {});
      for (const milestone of milestones) if (count >= milestone) times[milestone] ??= elapsed;
    }
    if (reached['ready']![ROOMS] !== undefined) return reached;
    if (Date.now() - startedAt > TIMEOUT_MS)
      throw new Error(`not ready: ${JSON.stringify(reached)}`);
    await sleep(200);
  }
}

/** The processes whose CPU the run is split over (this one runs the maestro modules). */
function processIds(cluster: KubeCluster, stack: Stack) {
  const kube = Object.fromEntries(
    KUBE_COMPONENTS.map((name) => [
      name,
      Number(readFileSync(path.join(cluster.stateDir, 'run', `${name}.pid`), 'utf8')),
    ]),
  );
  return {
    'maestro + pinger': process.pid,
    temporal: stack.temporalPid,
    redis: stack.redisPid,
    ...kube,
  };
}

function kubernetesClientOf(runtime: Config['runtime']) {
  return runtime.kind === 'kubernetes' ? { qps: runtime.qps, burst: runtime.burst } : undefined;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
