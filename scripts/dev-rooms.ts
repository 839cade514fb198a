/**
 * The local rooms `npm run dev` leaves behind. Rooms outlive maestro (as pods outlive it on
 * Kubernetes), which is right for a restart; but a developer stopping the stack should hear that
 * their room processes still run, and be able to stop them with the rest.
 */
import { createInterface } from 'node:readline/promises';
import pino from 'pino';
import { listLiveLocalRooms, type LiveLocalRoom } from '../src/adapters/runtime/local/live-rooms';
import { LocalRuntime } from '../src/adapters/runtime/local/local-runtime';

/** The command that stops the rooms a stopped `npm run dev` left running. */
export const STOP_ROOMS_COMMAND = 'npm run dev:stop-rooms';

/** What to do with live local rooms on Ctrl-C: stop them, leave them, or ask (a terminal). */
export type RoomsOnStop = 'stop' | 'keep' | 'ask';

const FLAGS: Record<string, RoomsOnStop> = { '--stop-rooms': 'stop', '--keep-rooms': 'keep' };
const ENV_VALUES: Record<string, RoomsOnStop> = {
  '1': 'stop',
  true: 'stop',
  yes: 'stop',
  '0': 'keep',
  false: 'keep',
  no: 'keep',
};

/**
 * Decides from `npm run dev -- --stop-rooms | --keep-rooms`, else MAESTRO_DEV_STOP_ROOMS (1/0),
 * else asks when stdin is a terminal and keeps them when it is not (never waits for input there).
 * Throws on an unknown argument or value, naming it, so a typo shows at start-up, not at Ctrl-C.
 */
export function roomsOnStop(
  args: readonly string[],
  value: string | undefined,
  isInteractive: boolean,
): RoomsOnStop {
  const unknown = args.filter((arg) => !(arg in FLAGS));
  if (unknown.length > 0) {
    throw new Error(
      `unknown argument ${unknown.join(' ')}: npm run dev takes --stop-rooms or --keep-rooms`,
    );
  }
  const flags = [...new Set(args.map((arg) => FLAGS[arg]!))];
  if (flags.length > 1) throw new Error('--stop-rooms and --keep-rooms contradict each other');
  if (flags[0]) return flags[0];
  if (value !== undefined && value !== '') {
    const fromEnv = ENV_VALUES[value.toLowerCase()];
    if (!fromEnv) throw new Error(`MAESTRO_DEV_STOP_ROOMS is ${value}: set it to 1 or 0`);
    return fromEnv;
  }
  return isInteractive ? 'ask' : 'keep';
}

export interface SettleOptions {
  /** The local runtime's directory (MAESTRO_LOCAL_RUNTIME_DIR). */
  runtimeDir: string;
  choice: RoomsOnStop;
  say: (message: string) => void;
  /** Asks a yes/no question; by default on this process's terminal. */
  ask?: (question: string) => Promise<boolean>;
}

/**
 * Run after maestro has stopped (else its health controller would replace what is stopped):
 * counts the live local rooms, then stops them or says how many remain and how to stop them.
 */
export async function settleLocalRooms(
  options: SettleOptions,
): Promise<{ live: number; isStopped: boolean }> {
  const live = await listLiveLocalRooms(options.runtimeDir);
  if (live.length === 0) return { live: 0, isStopped: false };
  const what = describeRooms(live);
  const isStopped =
    options.choice === 'stop' ||
    (options.choice === 'ask' &&
      (await (options.ask ?? askOnTerminal)(
        `${what} still running, each pinging a Rooms API that is gone. Stop them too? [y/N] `,
      )));
  if (isStopped) {
    options.say(`stopping ${what}`);
    await stopLocalRooms(options.runtimeDir, live);
    options.say(`stopped ${what}`);
  } else {
    options.say(
      `${what} left running (rooms outlive maestro; the next npm run dev takes them over). ` +
        `Stop them with: ${STOP_ROOMS_COMMAND}`,
    );
  }
  return { live: live.length, isStopped };
}

/** Stops every room of the schedulers that have live rooms, each within its grace period. */
export async function stopLocalRooms(
  runtimeDir: string,
  live: readonly LiveLocalRoom[],
): Promise<void> {
  const runtime = new LocalRuntime(
    { stateDir: runtimeDir, advertisedHost: '127.0.0.1', pollIntervalMs: 100 },
    pino({ level: 'silent' }),
  );
  const schedulers = [...new Set(live.map((room) => room.scheduler))];
  await Promise.all(schedulers.map((scheduler) => runtime.deleteSchedulerSpace(scheduler)));
}

/** "3 local rooms of 2 schedulers". */
export function describeRooms(live: readonly LiveLocalRoom[]): string {
  const schedulers = new Set(live.map((room) => room.scheduler)).size;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  return `${plural(live.length, 'local room')} of ${plural(schedulers, 'scheduler')}`;
}

async function askOnTerminal(question: string): Promise<boolean> {
  const terminal = createInterface({ input: process.stdin, output: process.stdout });
  // A second Ctrl-C at the question is a no: the rooms stay, the rest stops.
  const interrupted = new Promise<string>((resolve) => terminal.once('SIGINT', () => resolve('')));
  try {
    const answer = await Promise.race([terminal.question(question), interrupted]);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    terminal.close();
  }
}
