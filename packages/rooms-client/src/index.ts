export { RoomsClient, type RoomsClientOptions } from './client';
export {
  RoomsApiError,
  RoomsConnectionError,
  RoomsErrorCode,
  type RoomsTransportKind,
} from './errors';
export { HttpTransport, type HttpTransportOptions } from './http-transport';
export { GrpcTransport, type GrpcTransportOptions } from './grpc-transport';
export type { CallOptions, RoomsMethod, RoomsTransport } from './transport';
export * from './types';
