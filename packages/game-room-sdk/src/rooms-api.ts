import type { RoomsClient } from '@maestro/rooms-client';

/** The calls a game room makes to the Rooms API: a `RoomsClient`, or `LocalRoomsApi`. */
export type RoomsApi = Pick<RoomsClient, 'ping' | 'roomEvent' | 'playerEvent' | 'close'>;

/** Where the SDK writes what it does; `console`-like. Default: nothing, except in local mode. */
export interface GameRoomLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
}

/** JSON lines on stdout: `{"time":…,"msg":…,…fields}`. */
export const jsonLineLogger: GameRoomLogger = {
  info: (message, fields) => writeLine('info', message, fields),
  warn: (message, fields) => writeLine('warn', message, fields),
};

const silentLogger: GameRoomLogger = { info: () => undefined, warn: () => undefined };
export { silentLogger };

function writeLine(level: string, message: string, fields: Record<string, unknown> = {}): void {
  const line = { time: new Date().toISOString(), level, msg: message, ...fields };
  process.stdout.write(`${JSON.stringify(line)}\n`);
}
