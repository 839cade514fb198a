/**
 * The capacity model of docs/capacity.md, computed from the committed benchmark results (no
 * figure here is typed in by hand except the fleet's shape, below, which is what a studio asks
 * about): what 10,000 schedulers and 1,000,000 rooms cost each part, how many processes of each
 * module they need, and where the first bottleneck is. Rerun after any benchmark:
 * `npm run bench:capacity-model` (writes bench/results/capacity-model.json).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../src/config/load';
import { round, writeResult } from '../support/results';

/** The fleet a studio asks about, and how its rooms behave. */
const FLEET = {
  schedulers: 10_000,
  rooms: 1_000_000,
  /** examples/game-room pings every 5 s; Maestro's rooms commonly every 10–30 s. */
  pingIntervalsSeconds: [5, 30],
  /** Allocations per second across the fleet (matchmaking peak). */
  allocationsPerSecond: 1_000,
  /** Operations a scheduler runs per hour besides health (scaling, rollouts), on average. */
  operationsPerSchedulerHour: 2,
  /** A share of the rooms replaced per hour (rooms that end or die, rollouts). */
  roomChurnPerHour: 0.5,
  /** Rooms replaced together by one health-controller run when replacements are batched. */
  replacementBatch: 25,
};

/** How busy one core of each kind may run before it is a bottleneck (headroom for peaks). */
const CORE_BUDGET = 0.6;

const results = path.resolve(__dirname, '../results');
const read = (name: string): unknown =>
  JSON.parse(readFileSync(path.join(results, name), 'utf8')) as unknown;

function main() {
  const idle = read('idle-actions.json');
  const units = read('capacity-unit-costs.json');
  const roomsApi = read('rooms-api.json');
  const kube = read('kwok-scale-up.json');
  const cycle = read('cycle-10k.json');
  const eviction = read('workflow-cache-eviction.json');
  const config = loadConfig({});

  const idleActionsPerHour = number(idle, 'actionsPerHourPerScheduler.idle-fixed');
  const operationKinds = field(units, 'temporalPerOperation.kinds') as Record<
    string,
    { actionsPerOperation: number; historyBytesPerOperation: number }
  >;
  const actionsPerActingNudge = actingNudgeCost(idle);
  const meanOperationActions = mean(
    Object.values(operationKinds).map((k) => k.actionsPerOperation),
  );
  const meanOperationBytes = mean(
    Object.values(operationKinds).map((k) => k.historyBytesPerOperation),
  );
  const redisBytesPerRoom = number(units, 'redisPerRoom.bytesPerRoom');
  const redisCpuPerPingUs = number(units, 'redisPerRequest.ping.redisCpuMicrosecondsPerRequest');
  const redisCpuPerAllocationUs = number(
    units,
    'redisPerRequest.allocation.redisCpuMicrosecondsPerRequest',
  );
  const apiCpuPerPingUs = number(roomsApi, 'pingSaturated.roomsApiCpuMicrosecondsPerPing');
  const apiCpuPerAllocationUs =
    (number(roomsApi, 'allocate.cpuSecondsPerSecond.roomsApi') * 1e6) /
    number(roomsApi, 'allocate.perSecond');
  const maestroKubeRequestsPerRoom = number(kube, 'maestroKubernetesRequests.perRoom');
  const clusterKubeRequestsPerRoom = number(kube, 'kubernetesApiRequests.perRoom');
  const healthCycleMsAt10k = number(cycle, 'milliseconds.checkHealth.p50');

  const replacedPerSecond = (FLEET.rooms * FLEET.roomChurnPerHour) / 3600;
  const temporal = {
    idleActionsPerSecond: round((FLEET.schedulers * idleActionsPerHour) / 3600, 1),
    operationActionsPerSecond: round(
      (FLEET.schedulers * FLEET.operationsPerSchedulerHour * meanOperationActions) / 3600,
      1,
    ),
    // Each replacement is a nudge that acts: a check, a health_controller run and its
    // add/remove operations. Rooms dying one by one pay it per room; batched, per batch.
    roomReplacementActionsPerSecond: {
      oneByOne: round((replacedPerSecond * actionsPerActingNudge) / 1, 1),
      batched: round((replacedPerSecond * actionsPerActingNudge) / FLEET.replacementBatch, 1),
    },
    operationHistoryMegabytesPerHour: round(
      (FLEET.schedulers * FLEET.operationsPerSchedulerHour * meanOperationBytes) / 2 ** 20,
      0,
    ),
  };
  const baseActionsPerSecond = temporal.idleActionsPerSecond + temporal.operationActionsPerSecond;

  const pings = FLEET.pingIntervalsSeconds.map((interval) => {
    const pingsPerSecond = FLEET.rooms / interval;
    const redisCores =
      (pingsPerSecond * redisCpuPerPingUs + FLEET.allocationsPerSecond * redisCpuPerAllocationUs) /
      1e6;
    const apiCores =
      (pingsPerSecond * apiCpuPerPingUs + FLEET.allocationsPerSecond * apiCpuPerAllocationUs) / 1e6;
    return {
      pingIntervalSeconds: interval,
      pingsPerSecond: Math.round(pingsPerSecond),
      redisCores: round(redisCores, 1),
      // One Redis server runs its commands on one core: a cluster of this many primaries.
      redisPrimaries: Math.max(1, Math.ceil(redisCores / CORE_BUDGET)),
      roomsApiCores: round(apiCores, 1),
      roomsApiProcesses: Math.max(2, Math.ceil(apiCores / CORE_BUDGET)),
    };
  });

  const slots = config.supervision.schedulersPerProcess;
  writeResult('capacity-model', {
    benchmark: 'capacity model for docs/capacity.md, computed from the committed results',
    command: 'npm run bench:capacity-model',
    fleet: FLEET,
    coreBudget: CORE_BUDGET,
    inputs: {
      idleActionsPerSchedulerHour: idleActionsPerHour,
      meanActionsPerOperation: round(meanOperationActions, 1),
      meanHistoryBytesPerOperation: Math.round(meanOperationBytes),
      actionsPerActingNudge: round(actionsPerActingNudge, 1),
      redisBytesPerRoom,
      redisCpuMicrosecondsPerPing: redisCpuPerPingUs,
      redisCpuMicrosecondsPerAllocation: redisCpuPerAllocationUs,
      roomsApiCpuMicrosecondsPerPing: apiCpuPerPingUs,
      roomsApiCpuMicrosecondsPerAllocation: round(apiCpuPerAllocationUs, 1),
      maestroKubernetesRequestsPerRoom: maestroKubeRequestsPerRoom,
      clusterKubernetesRequestsPerRoom: clusterKubeRequestsPerRoom,
      healthCycleMsAt10kRooms: healthCycleMsAt10k,
      supervisionSlotsPerProcess: slots,
      workflowCacheSize: config.workflowCacheSize,
    },
    temporal: {
      ...temporal,
      actionsPerSecond: {
        oneByOne: round(
          baseActionsPerSecond + temporal.roomReplacementActionsPerSecond.oneByOne,
          1,
        ),
        batched: round(baseActionsPerSecond + temporal.roomReplacementActionsPerSecond.batched, 1),
      },
    },
    redis: {
      memoryGb: round((FLEET.rooms * redisBytesPerRoom) / 2 ** 30, 2),
      byPingInterval: pings,
    },
    worker: (() => {
      // Idle schedulers wake once per safety interval; beyond the cache, each wake is a replay.
      const wakesPerSecond =
        FLEET.schedulers / (config.operations.healthControllerIntervalMs / 1000);
      const replayCpuMs = number(eviction, 'layouts.perModule.eviction.replayCpuMsEstimated');
      return {
        idleWakesPerSecond: round(wakesPerSecond, 1),
        replayCpuMs,
        replayCores: round((wakesPerSecond * replayCpuMs) / 1000, 2),
      };
    })(),
    supervisors: {
      runtimeWatcherProcesses: Math.ceil(FLEET.schedulers / slots),
      metricsReporterProcesses: Math.ceil(FLEET.schedulers / slots),
      kubernetesWatches: FLEET.schedulers,
    },
    kubernetes: {
      roomsReplacedPerSecond: round(replacedPerSecond, 1),
      // A replaced room: its pod created (measured) and deleted (2 requests: delete, event).
      maestroRequestsPerSecond: round(replacedPerSecond * (maestroKubeRequestsPerRoom + 2), 1),
      clusterRequestsPerSecond: round(replacedPerSecond * (clusterKubeRequestsPerRoom + 2), 1),
    },
  });
}

/**
 * Actions of one nudge that acts (its check, the health_controller run and the operations it
 * queues), from the idle-actions benchmark's scheduler whose plan changes on every room flip.
 */
function actingNudgeCost(idle: unknown): number {
  const resizing = (field(idle, 'perScheduler') as unknown[]).find(
    (entry) => field(entry, 'group') === 'busy-resizing',
  );
  const windowHours = number(idle, 'settings.windowMs') / 3_600_000;
  const nudges = number(resizing, 'inHistoriesByKind.signal from a client (healthNudge)');
  return number(resizing, 'inHistoriesPerHour') / (nudges / windowHours);
}

/** A field of a result file by its dotted path. */
function field(result: unknown, dotted: string): unknown {
  let value = result;
  for (const key of dotted.split('.')) {
    value =
      typeof value === 'object' && value !== null
        ? (value as Record<string, unknown>)[key]
        : undefined;
  }
  return value;
}

/** A number of a result file; a missing one names its path. */
function number(result: unknown, dotted: string): number {
  const value = field(result, dotted);
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new Error(`result file lacks ${dotted} (got ${String(value)})`);
  }
  return value;
}

const mean = (values: readonly number[]) =>
  values.reduce((sum, value) => sum + value, 0) / Math.max(1, values.length);

main();
