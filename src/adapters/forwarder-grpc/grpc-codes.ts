import http2 from 'node:http2';
import { status } from '@grpc/grpc-js';

/**
 * gRPC status codes (google.rpc.Code): grpc-js's table, the same one the API transports use.
 * Only the constants are taken from grpc-js; the forwarder's client is its own.
 */
export const GrpcCode = status;
export type GrpcCode = status;

/** DEADLINE_EXCEEDED → DeadlineExceeded, as Go's codes.Code.String() (Maestro's messages). */
const goName = (name: string) =>
  name.toLowerCase().replace(/(^|_)([a-z])/g, (_match, _sep: string, c: string) => c.toUpperCase());

/** The code's name as Maestro (Go) writes it: `DeadlineExceeded`, `Unavailable`. */
export const grpcCodeName = (code: number): string => {
  const name: string | undefined = status[code];
  return name === undefined ? `Code(${code})` : goName(name);
};

/** The gRPC spec's mapping of an HTTP status without a gRPC status to a code. */
export function grpcCodeOfHttpStatus(status: number): GrpcCode {
  switch (status) {
    case 400:
      return GrpcCode.INTERNAL;
    case 401:
      return GrpcCode.UNAUTHENTICATED;
    case 403:
      return GrpcCode.PERMISSION_DENIED;
    case 404:
      return GrpcCode.UNIMPLEMENTED;
    case 429:
    case 502:
    case 503:
    case 504:
      return GrpcCode.UNAVAILABLE;
    default:
      return GrpcCode.UNKNOWN;
  }
}

/** The gRPC spec's mapping of an HTTP/2 RST_STREAM code to a status code. */
export function grpcCodeOfRstCode(rstCode: number | undefined): GrpcCode {
  const { NGHTTP2_REFUSED_STREAM, NGHTTP2_CANCEL, NGHTTP2_ENHANCE_YOUR_CALM } = http2.constants;
  switch (rstCode) {
    case NGHTTP2_REFUSED_STREAM:
      return GrpcCode.UNAVAILABLE;
    case NGHTTP2_CANCEL:
      return GrpcCode.CANCELLED;
    case NGHTTP2_ENHANCE_YOUR_CALM:
      return GrpcCode.RESOURCE_EXHAUSTED;
    default:
      return GrpcCode.INTERNAL;
  }
}
