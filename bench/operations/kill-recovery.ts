/**
 * Recovery after the operation worker is SIGKILLed mid-operation (issue #14 target: ≤ 15 s).
 * Its own Temporal dev server, PostgreSQL and Redis; the runtime watcher and metrics reporter in
 * this process; the operation worker a `maestro start worker` process from the sources, alone on
 * its task queue. Each round enqueues add_rooms of BENCH_ROOMS rooms on the local runtime (rooms
 * are `sleep` processes, counted by their directories), SIGKILLs the worker once some rooms exist,
 * starts a fresh worker at once (as a process manager would), and times from the kill: the
 * replacement ready, the first room created after the kill (the operation progressing again), the
 * operation finished. Each round must end with exactly BENCH_ROOMS rooms.
 * Run: npm run bench:kill-recovery
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { MaestroFleet, type FleetProcess } from '../../test/support/maestro-fleet';
import { schedulerDefinition } from '../../test/support/test-scheduler';
import { commandLine, machineInfo, round, setting, sleep, writeResult } from '../support/results';
import { percentile, startStack } from '../support/stack';

const ROOMS = setting('BENCH_ROOMS', 100);
const ROUNDS = setting('BENCH_ROUNDS', 3);
const STANDBY_ROUNDS = setting('BENCH_STANDBY_ROUNDS', 3);

type Stack = Awaited<ReturnType<typeof startStack>>;
type RoundFigures = Awaited<ReturnType<typeof killedRound>>['figures'];
type StandbyFigures = Awaited<ReturnType<typeof standbyRound>>['figures'];

async function main() {
  const machine = machineInfo();
  const stack = await startStack({
    healthControllerIntervalMs: 3_600_000,
    modules: ['runtime-watcher', 'metrics-reporter'],
  });
  const fleet = new MaestroFleet({ ...stack.environment, MAESTRO_LOG_LEVEL: 'error' });
  try {
    let worker = await fleet.start(['worker']);
    const rounds: RoundFigures[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const outcome = await killedRound(stack, fleet, worker, `kill-${i}`);
      worker = outcome.replacement;
      rounds.push(outcome.figures);
      console.log(`round ${i + 1}: ${JSON.stringify(outcome.figures)}`);
    }
    const standbyRounds: StandbyFigures[] = [];
    let standby = await fleet.start(['worker']);
    for (let i = 0; i < STANDBY_ROUNDS; i++) {
      const outcome = await standbyRound(stack, fleet, [worker, standby], `standby-${i}`);
      [worker, standby] = [outcome.survivor, outcome.replacement];
      standbyRounds.push(outcome.figures);
      console.log(`standby round ${i + 1}: ${JSON.stringify(outcome.figures)}`);
    }
    const seconds = (key: 'progressedSeconds' | 'finishedSeconds') =>
      rounds.map((r) => r[key]).sort((a, b) => a - b);
    const standbySeconds = (key: 'retriedSeconds' | 'finishedSeconds') =>
      standbyRounds.map((r) => r[key]).sort((a, b) => a - b);
    writeResult('kill-recovery', {
      benchmark: `SIGKILL of the operation worker during add_rooms of ${ROOMS}: time to recover`,
      command: 'npm run bench:kill-recovery',
      exactCommand: commandLine(),
      machine,
      rooms: ROOMS,
      progressedSecondsP50: percentile(seconds('progressedSeconds'), 50),
      progressedSecondsMax: seconds('progressedSeconds').at(-1),
      finishedSecondsP50: percentile(seconds('finishedSeconds'), 50),
      finishedSecondsMax: seconds('finishedSeconds').at(-1),
      rounds,
      standby: {
        note: 'a second worker already polls when the first is killed (two replicas)',
        retriedSecondsP50: percentile(standbySeconds('retriedSeconds'), 50),
        retriedSecondsMax: standbySeconds('retriedSeconds').at(-1),
        finishedSecondsP50: percentile(standbySeconds('finishedSeconds'), 50),
        finishedSecondsMax: standbySeconds('finishedSeconds').at(-1),
        rounds: standbyRounds,
      },
    });
  } finally {
    await fleet.stop();
    await stack.stop();
  }
}

/** One scheduler, one add_rooms, one kill; the replacement worker carries on. */
async function killedRound(stack: Stack, fleet: MaestroFleet, worker: FleetProcess, name: string) {
  const roomsDir = await createdScheduler(stack, name);

  const operationId = await stack.queue.enqueue(name, 'add_rooms', { amount: ROOMS });
  while (countRooms(roomsDir) === 0) await sleep(2);
  await fleet.kill(worker);
  const killedAt = Date.now();
  const roomsAtKill = countRooms(roomsDir);
  const since = () => round((Date.now() - killedAt) / 1000, 2);

  const starting = fleet.start(['worker']).then((started) => ({ started, at: since() }));
  while (countRooms(roomsDir) <= roomsAtKill) await sleep(20);
  const progressedSeconds = since();
  let finished = await stack.queue.get(name, operationId);
  while (!finished || !['finished', 'error'].includes(finished.status)) {
    await sleep(50);
    finished = await stack.queue.get(name, operationId);
  }
  const finishedSeconds = since();
  const replacement = await starting;
  const rooms = await stack.system.resources.runtime().listRooms(name);
  return {
    replacement: replacement.started,
    figures: {
      roomsAtKill,
      replacementReadySeconds: replacement.at,
      progressedSeconds,
      finishedSeconds,
      status: finished.status,
      rooms: rooms.length,
      distinctRooms: new Set(rooms.map((room) => room.id)).size,
    },
  };
}

/**
 * Two workers poll; the one running a step of add_rooms is killed. Times from the kill until every
 * step of the operation runs on the survivor (the dead worker's steps retried) and until it ends.
 */
async function standbyRound(
  stack: Stack,
  fleet: MaestroFleet,
  workers: [FleetProcess, FleetProcess],
  name: string,
) {
  const roomsDir = await createdScheduler(stack, name);
  const operationId = await stack.queue.enqueue(name, 'add_rooms', { amount: ROOMS });
  const handle = stack.client.workflow.getHandle(operationId);
  let holders: string[] = [];
  while (holders.length === 0 || countRooms(roomsDir) === 0) {
    const { raw } = await handle.describe().catch(() => ({ raw: { pendingActivities: [] } }));
    holders = (raw.pendingActivities ?? []).map((activity) => activity.lastWorkerIdentity ?? '');
  }
  const victim = workers.find((worker) => holders.includes(worker.identity)) ?? workers[0];
  const survivor = workers.find((worker) => worker !== victim)!;
  await fleet.kill(victim);
  const killedAt = Date.now();
  const roomsAtKill = countRooms(roomsDir);
  const since = () => round((Date.now() - killedAt) / 1000, 2);
  const replacing = fleet.start(['worker']);
  let retriedSeconds: number | undefined;
  let finished = await stack.queue.get(name, operationId);
  while (!finished || !['finished', 'error'].includes(finished.status)) {
    const { raw } = await handle.describe();
    const onVictim = (raw.pendingActivities ?? []).filter(
      (activity) => activity.lastWorkerIdentity === victim.identity,
    );
    if (retriedSeconds === undefined && onVictim.length === 0) retriedSeconds = since();
    await sleep(50);
    finished = await stack.queue.get(name, operationId);
  }
  const finishedSeconds = since();
  const rooms = await stack.system.resources.runtime().listRooms(name);
  return {
    survivor,
    replacement: await replacing,
    figures: {
      roomsAtKill,
      retriedSeconds: retriedSeconds ?? finishedSeconds,
      finishedSeconds,
      status: finished.status,
      rooms: rooms.length,
      distinctRooms: new Set(rooms.map((room) => room.id)).size,
    },
  };
}

/** A scheduler whose rooms are `sleep` processes; returns the directory of its rooms. */
async function createdScheduler(stack: Stack, name: string): Promise<string> {
  const definition = { ...schedulerDefinition(name), game: 'bench' };
  definition.spec.containers[0]!.command = ['sleep', '600']; // counted, never played
  await stack.commands.createScheduler(definition);
  while ((await stack.schedulers.getScheduler(name))?.state !== 'in-sync') await sleep(100);
  const runtime = stack.config.runtime;
  if (runtime.kind !== 'local') throw new Error('the benchmark counts rooms of the local runtime');
  return path.join(runtime.stateDir, 'rooms', name);
}

function countRooms(dir: string): number {
  try {
    return readdirSync(dir).length;
  } catch {
    return 0;
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
