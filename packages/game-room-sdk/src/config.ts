/** What a room needs to know to talk to maestro, as maestro gives it in the environment. */
export interface RoomIdentity {
  /** `MAESTRO_SCHEDULER_NAME`. */
  scheduler: string;
  /** `MAESTRO_ROOM_ID`. */
  roomId: string;
  /** `ROOMS_API_ADDRESS`; default `http://127.0.0.1:8070`. */
  roomsApiAddress: string;
  /** `MAESTRO_ROOM_TOKEN`, set by maestro when room authentication is configured. */
  roomToken?: string;
}

export const DEFAULT_ROOMS_API_ADDRESS = 'http://127.0.0.1:8070';

/** The variable that turns local mode on (`true` or `1`) when the options do not say. */
export const LOCAL_MODE_VARIABLE = 'MAESTRO_GAME_ROOM_LOCAL';

/** Identity of local mode, where maestro sets nothing. */
const LOCAL_IDENTITY = { scheduler: 'local', roomId: 'local-room' };

/** A required variable is missing: the process was not started by maestro (nor in local mode). */
export class GameRoomConfigError extends Error {
  override readonly name = 'GameRoomConfigError';

  constructor(readonly missing: string[]) {
    super(
      `${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not set (maestro sets them)`,
    );
  }
}

/**
 * The room's identity: each value from `overrides`, else from `env`. Throws GameRoomConfigError
 * naming every missing variable, unless `isLocal` (then `local` / `local-room`).
 */
export function roomIdentity(
  env: NodeJS.ProcessEnv,
  overrides: Partial<RoomIdentity>,
  isLocal: boolean,
): RoomIdentity {
  const scheduler = overrides.scheduler ?? nonEmpty(env['MAESTRO_SCHEDULER_NAME']);
  const roomId = overrides.roomId ?? nonEmpty(env['MAESTRO_ROOM_ID']);
  const roomToken = overrides.roomToken ?? nonEmpty(env['MAESTRO_ROOM_TOKEN']);
  const roomsApiAddress =
    overrides.roomsApiAddress ?? nonEmpty(env['ROOMS_API_ADDRESS']) ?? DEFAULT_ROOMS_API_ADDRESS;
  const missing = [
    ...(scheduler === undefined ? ['MAESTRO_SCHEDULER_NAME'] : []),
    ...(roomId === undefined ? ['MAESTRO_ROOM_ID'] : []),
  ];
  if (missing.length > 0 && !isLocal) throw new GameRoomConfigError(missing);
  return {
    scheduler: scheduler ?? LOCAL_IDENTITY.scheduler,
    roomId: roomId ?? LOCAL_IDENTITY.roomId,
    roomsApiAddress,
    ...(roomToken !== undefined && { roomToken }),
  };
}

/** Local mode from the environment: `MAESTRO_GAME_ROOM_LOCAL=true` (or `1`). */
export function isLocalModeIn(env: NodeJS.ProcessEnv): boolean {
  const value = env[LOCAL_MODE_VARIABLE]?.trim().toLowerCase();
  return value === 'true' || value === '1';
}

const nonEmpty = (value: string | undefined) => (value ? value : undefined);
