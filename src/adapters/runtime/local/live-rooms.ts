import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { isSameProcessAlive } from './process-identity';
import { listRoomIds, readRoom } from './room-directory';

/** A local room still running on this machine: its keeper runs and has recorded no exit. */
export interface LiveLocalRoom {
  scheduler: string;
  roomId: string;
}

/**
 * The local rooms still running under `stateDir` (MAESTRO_LOCAL_RUNTIME_DIR), whichever maestro
 * started them: rooms outlive maestro, so this is what is left running once it has stopped.
 */
export async function listLiveLocalRooms(stateDir: string): Promise<LiveLocalRoom[]> {
  const roomsDir = path.join(stateDir, 'rooms');
  const schedulers = await readdir(roomsDir, { withFileTypes: true }).catch(
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [];
      throw error;
    },
  );
  const live: LiveLocalRoom[] = [];
  for (const entry of schedulers.filter((e) => e.isDirectory() && !e.name.startsWith('.'))) {
    for (const roomId of await listRoomIds(path.join(roomsDir, entry.name))) {
      const files = await readRoom(path.join(roomsDir, entry.name, roomId));
      const keeper = files?.keeper;
      // The exit is the keeper's last write (it ends right after): the room is over already.
      if (files?.exitCode !== undefined) continue;
      if (keeper && isSameProcessAlive(keeper.pid, keeper.startTime)) {
        live.push({ scheduler: entry.name, roomId });
      }
    }
  }
  return live;
}
