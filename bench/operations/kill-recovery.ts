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

type Stack = Awaited<ReturnType<typeof startStack>>;
type RoundFigures = Awaited<ReturnType<typeof killedRound>>['figures'];

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
    const seconds = (key: 'progressedSeconds' | 'finishedSeconds') =>
      rounds.map((r) => r[key]).sort((a, b) => a - b);
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
    });
  } finally {
    await fleet.stop();
    await stack.stop();
  }
}

/** One scheduler, one add_rooms, one kill; the replacement worker carries on. */
async function killedRound(stack: Stack, fleet: MaestroFleet, worker: FleetProcess, name: string) {
  const definition = { ...schedulerDefinition(name), game: 'bench' };
  definition.spec.containers[0]!.command = ['sleep', '600']; // counted, never played
  await stack.commands.createScheduler(definition);
  while ((await stack.schedulers.getScheduler(name))?.state !== 'in-sync') await sleep(100);
  const runtime = stack.config.runtime;
  if (runtime.kind !== 'local') throw new Error('the benchmark counts rooms of the local runtime');
  const roomsDir = path.join(runtime.stateDir, 'rooms', name);

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
