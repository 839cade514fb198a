export {
  GameRoom,
  type GameRoomEvents,
  type GameRoomOptions,
  type PingFailure,
  type PingReport,
} from './game-room';
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
