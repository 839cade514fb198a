export { GameRoom, type GameRoomOptions } from './game-room';
export type { GameRoomEvents, PingFailure, PingReport } from './events';
export {
  DEFAULT_ROOMS_API_ADDRESS,
  GameRoomConfigError,
  LOCAL_MODE_VARIABLE,
  roomIdentity,
  type RoomIdentity,
} from './config';
export { DEFAULT_PING_SCHEDULE, nextPingDelayMs, type PingSchedule } from './backoff';
export { LocalRoomsApi, type LocalCall } from './local-rooms-api';
export { jsonLineLogger, type GameRoomLogger, type RoomsApi } from './rooms-api';
export type { ShutdownSettings } from './shutdown';
export {
  PlayerEventType,
  RoomStatus,
  RoomsApiError,
  RoomsConnectionError,
  type ForwardResult,
  type RoomMetadata,
} from '@maestro/rooms-client';
