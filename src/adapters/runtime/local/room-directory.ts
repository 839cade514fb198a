import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { InstanceStatus, type GameRoomInstance } from '../../../domain/game-room/instance';

/** What createRoom writes once; never changes afterwards. */
export interface RoomMeta {
  id: string;
  scheduler: string;
  version: string;
  createdAt: string;
  ports: Array<{ name: string; protocol: string; port: number }>;
}

/** A room directory as read from disk. */
export interface RoomFiles {
  meta: RoomMeta;
  /** `<pid> <start time>` of the room keeper, once spawned. */
  keeper?: { pid: number; startTime: string };
  /** The room process, while it runs. */
  pid?: number;
  exitCode?: number;
  /** The remove reason, once a deletion was requested. */
  deleting?: string;
}

const SIGNALS: Record<number, string> = {
  1: 'SIGHUP',
  2: 'SIGINT',
  6: 'SIGABRT',
  9: 'SIGKILL',
  11: 'SIGSEGV',
  15: 'SIGTERM',
};

/** Reads a room directory; undefined when it vanished or is not a complete room. */
export async function readRoom(dir: string): Promise<RoomFiles | undefined> {
  // Rooms started before the room keeper had its name record it in `supervisor`.
  const [meta, keeper, keeperBeforeRename, pid, exit, deleting] = await Promise.all(
    ['room.json', 'keeper', 'supervisor', 'pid', 'exit', 'deleting'].map((file) =>
      readOptional(path.join(dir, file)),
    ),
  );
  if (meta === undefined) return undefined;
  const [keeperPid, startTime] = (keeper ?? keeperBeforeRename ?? '').trim().split(' ');
  return {
    meta: JSON.parse(meta) as RoomMeta,
    ...(keeperPid && startTime !== undefined && { keeper: { pid: Number(keeperPid), startTime } }),
    ...(pid?.trim() && { pid: Number(pid) }),
    ...(exit?.trim() && { exitCode: Number(exit) }),
    ...(deleting !== undefined && { deleting: deleting.trim() }),
  };
}

/** Room ids of a scheduler directory (temporary entries start with a dot). */
export async function listRoomIds(schedulerDir: string): Promise<string[]> {
  const entries = await readdir(schedulerDir, { withFileTypes: true }).catch(
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [];
      throw error;
    },
  );
  return entries
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.'))
    .map((entry) => entry.name);
}

/**
 * The instance status of a room: a requested deletion is `terminating`; an exit is `terminating`
 * (code 0) or `error` (the code); a room keeper that is gone without recording an exit is `error`;
 * a running process is `ready`; otherwise the room is still starting (`pending`).
 */
export function statusOf(
  files: RoomFiles,
  isKeeperAlive: boolean,
): Pick<GameRoomInstance, 'status' | 'reason'> {
  if (files.deleting !== undefined)
    return { status: InstanceStatus.TERMINATING, reason: files.deleting };
  if (files.exitCode !== undefined) {
    if (files.exitCode === 0)
      return { status: InstanceStatus.TERMINATING, reason: 'exited with code 0' };
    const signal = files.exitCode > 128 ? SIGNALS[files.exitCode - 128] : undefined;
    return {
      status: InstanceStatus.ERROR,
      reason: `exited with code ${files.exitCode}${signal ? ` (${signal})` : ''}`,
    };
  }
  if (files.keeper && !isKeeperAlive)
    return { status: InstanceStatus.ERROR, reason: 'room process vanished' };
  if (files.pid !== undefined) return { status: InstanceStatus.READY };
  return { status: InstanceStatus.PENDING };
}

async function readOptional(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
