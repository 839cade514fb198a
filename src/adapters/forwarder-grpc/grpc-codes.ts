import http2 from 'node:http2';

/** gRPC status codes (google.rpc.Code). */
export const GrpcCode = {
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  DATA_LOSS: 15,
  UNAUTHENTICATED: 16,
} as const;
export type GrpcCode = (typeof GrpcCode)[keyof typeof GrpcCode];

const NAMES = new Map<number, string>(
  Object.entries(GrpcCode).map(([name, code]) => [
    code,
    // DEADLINE_EXCEEDED → DeadlineExceeded, as Go's codes.Code.String() (Maestro's messages).
    name
      .toLowerCase()
      .replace(/(^|_)([a-z])/g, (_match, _sep: string, c: string) => c.toUpperCase()),
  ]),
);

/** The code's name as Maestro (Go) writes it: `DeadlineExceeded`, `Unavailable`. */
export const grpcCodeName = (code: number): string => NAMES.get(code) ?? `Code(${code})`;

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
