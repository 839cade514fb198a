import {
  ApiError,
  FINAL_OPERATION_STATUSES,
  type ManagementClient,
  type Operation,
  type SchedulerInfo,
} from '@maestro/management-client';
import type { CliIo } from './output';

export interface WatchOptions {
  /** Follow operations of the scheduler created from this moment on too (follow-ups). */
  followUpsSince?: Date;
  timeoutMs: number;
  pollMs?: number;
  /**
   * The operations delete the scheduler: once it is gone its operations can no longer be read,
   * and that is their success.
   */
  isDeletion?: boolean;
}

/** How the followed operations ended: one line each, and whether all of them succeeded. */
export interface WatchResult {
  operations: Pick<Operation, 'id' | 'definitionName' | 'status'>[];
  isSuccess: boolean;
  isTimedOut: boolean;
}

const FAILED = new Set(['error', 'canceled', 'evicted']);

/**
 * Follows operations of one scheduler until each is final, printing every new event of their
 * execution history and the scheduler's room counts when they change (progress goes to stderr,
 * so stdout stays the command's result). With `followUpsSince`, operations created
 * since then while a followed one is not final are followed too: a new major version's
 * `switch_active_version`, a rolling update's room changes.
 */
export async function watchOperations(
  client: ManagementClient,
  scheduler: { name: string; game: string },
  operationIds: readonly string[],
  io: CliIo,
  options: WatchOptions,
): Promise<WatchResult> {
  const followed = new Map<string, Operation | undefined>(
    operationIds.map((id) => [id, undefined]),
  );
  const printed = new Map<string, number>();
  const deadline = Date.now() + options.timeoutMs;
  const progress = roomProgress(io);
  const since = options.followUpsSince;
  for (;;) {
    if (since) await addFollowUps(client, scheduler.name, followed, since, false);
    for (const id of followed.keys()) {
      const operation = await readOperation(client, scheduler.name, id, options.isDeletion);
      if (!operation) continue; // a deletion under way: read it again next round
      followed.set(id, operation);
      printEvents(operation, printed, progress);
    }
    progress.update(await roomsOf(client, scheduler));
    const operations = [...followed.values()].filter((o): o is Operation => o !== undefined);
    // An operation may queue another just before it ends (a new version its switch): look once
    // more after the last one ended.
    const isSettled =
      operations.length === followed.size &&
      operations.every(isFinal) &&
      !(since && (await addFollowUps(client, scheduler.name, followed, since, true)));
    if (isSettled) return result(operations, false);
    if (Date.now() >= deadline) return result(operations, true);
    await sleep(options.pollMs ?? 500);
  }
}

/**
 * The operation. A deletion's operation may stop being readable before the scheduler is gone
 * (its workflow closes first): while the scheduler is still there that is `undefined`, "not
 * yet", and once the scheduler is gone (404) a finished stand-in, because that is its success.
 */
async function readOperation(
  client: ManagementClient,
  schedulerName: string,
  id: string,
  isDeletion = false,
): Promise<Operation | undefined> {
  try {
    return await client.getOperation(schedulerName, id);
  } catch (error) {
    if (!(isDeletion && error instanceof ApiError && error.isNotFound)) throw error;
    if (await client.findScheduler(schedulerName)) return undefined;
    const now = new Date().toISOString();
    return {
      id,
      status: 'finished',
      definitionName: 'delete_scheduler',
      schedulerName,
      createdAt: now,
      input: null,
      executionHistory: [{ createdAt: now, event: `scheduler ${schedulerName} deleted` }],
    };
  }
}

const isFinal = (operation: Operation) => FINAL_OPERATION_STATUSES.includes(operation.status);

function result(operations: Operation[], isTimedOut: boolean): WatchResult {
  return {
    operations: operations.map(({ id, definitionName, status }) => ({
      id,
      definitionName,
      status,
    })),
    isSuccess: !isTimedOut && operations.every((o) => isFinal(o) && !FAILED.has(o.status)),
    isTimedOut,
  };
}

/** Adds the scheduler's operations created since `since`; whether it found any new one. */
async function addFollowUps(
  client: ManagementClient,
  schedulerName: string,
  followed: Map<string, Operation | undefined>,
  since: Date,
  isFinalLook: boolean,
): Promise<boolean> {
  const isRunning = [...followed.values()].some((o) => o === undefined || !isFinal(o));
  if (followed.size > 0 && !isRunning && !isFinalLook) return false;
  let isFound = false;
  for (const stage of ['pending', 'active', 'final'] as const) {
    const { operations } = await client.listOperations(schedulerName, { stage });
    for (const operation of operations) {
      if (!followed.has(operation.id) && new Date(operation.createdAt) >= since) {
        followed.set(operation.id, undefined);
        isFound = true;
      }
    }
  }
  return isFound;
}

function printEvents(operation: Operation, printed: Map<string, number>, progress: RoomProgress) {
  const seen = printed.get(operation.id);
  const events = operation.executionHistory ?? [];
  const fresh = events.slice(seen ?? 0);
  if (seen === undefined && !isFinal(operation)) {
    progress.say(`${operation.definitionName} ${operation.id}: ${operation.status}`);
  }
  for (const event of fresh)
    progress.say(`  ${clock(event.createdAt)} ${operation.definitionName}: ${event.event}`);
  printed.set(operation.id, events.length);
  if (isFinal(operation) && !printed.has(`${operation.id}:final`)) {
    printed.set(`${operation.id}:final`, 1);
    progress.say(`${operation.definitionName} ${operation.id}: ${operation.status}`);
  }
}

async function roomsOf(client: ManagementClient, scheduler: { name: string; game: string }) {
  try {
    const infos = await client.getSchedulersInfo(scheduler.game);
    return infos.find((info) => info.name === scheduler.name);
  } catch {
    return undefined; // a deleted scheduler, or a game the credential cannot list: no counts
  }
}

interface RoomProgress {
  say: (line: string) => void;
  update: (info: SchedulerInfo | undefined) => void;
}

/** Event lines as they come; the room counts line whenever the counts change. */
function roomProgress(io: CliIo): RoomProgress {
  let last = '';
  return {
    say: (line) => io.err(line),
    update: (info) => {
      if (!info) return;
      const line = `  rooms: ${info.roomsReady} ready, ${info.roomsPending} pending, ${info.roomsOccupied} occupied, ${info.roomsTerminating} terminating (replicas ${info.roomsReplicas})`;
      if (line !== last) io.err(line);
      last = line;
    },
  };
}

const clock = (timestamp: string) => timestamp.slice(11, 19);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
