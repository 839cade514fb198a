/**
 * The one table from failure kind to wire status, shared by every transport: HTTP answers with
 * grpc-gateway's status for the gRPC code and its body `{code, message, details}`; native gRPC
 * answers with the code and the message. Anything that is not a `DomainError` is a bug or an
 * outage nobody anticipated: 500 / UNKNOWN with a generic message (the caller logs the real one).
 */
import { status } from '@grpc/grpc-js';
import { RateLimitedError } from '../../domain/access/rate-limit';
import { DomainError, ErrorCode } from '../../domain/errors';

/** gRPC status codes (google.rpc.Code), as grpc-js defines them for every gRPC user here. */
export const GrpcStatus = status;
export type GrpcStatus = status;

export interface WireStatus {
  httpStatus: number;
  grpcStatus: GrpcStatus;
}

/**
 * Each error code's HTTP and gRPC status. The HTTP column is grpc-gateway's
 * `HTTPStatusFromCode` of the gRPC column, so both transports tell a client the same thing.
 */
export const ERROR_STATUSES: Readonly<Record<ErrorCode, WireStatus>> = {
  [ErrorCode.INVALID_ARGUMENT]: { httpStatus: 400, grpcStatus: GrpcStatus.INVALID_ARGUMENT },
  [ErrorCode.FAILED_PRECONDITION]: { httpStatus: 400, grpcStatus: GrpcStatus.FAILED_PRECONDITION },
  [ErrorCode.NOT_FOUND]: { httpStatus: 404, grpcStatus: GrpcStatus.NOT_FOUND },
  [ErrorCode.ALREADY_EXISTS]: { httpStatus: 409, grpcStatus: GrpcStatus.ALREADY_EXISTS },
  [ErrorCode.CONFLICT]: { httpStatus: 409, grpcStatus: GrpcStatus.ABORTED },
  [ErrorCode.RESOURCE_EXHAUSTED]: { httpStatus: 429, grpcStatus: GrpcStatus.RESOURCE_EXHAUSTED },
  [ErrorCode.UNAVAILABLE]: { httpStatus: 503, grpcStatus: GrpcStatus.UNAVAILABLE },
  [ErrorCode.UNAUTHENTICATED]: { httpStatus: 401, grpcStatus: GrpcStatus.UNAUTHENTICATED },
  [ErrorCode.PERMISSION_DENIED]: { httpStatus: 403, grpcStatus: GrpcStatus.PERMISSION_DENIED },
  [ErrorCode.INTERNAL]: { httpStatus: 500, grpcStatus: GrpcStatus.INTERNAL },
};

/** What a transport answers for an error. */
export interface WireError extends WireStatus {
  message: string;
  /** True when the error was not anticipated (or is INTERNAL): the transport logs it. */
  isUnexpected: boolean;
  /**
   * When the client may try again, in seconds: HTTP adds `Retry-After` (a 503 while a dependency
   * is down, a 429 over a rate limit), gRPC a `retry-after` trailer.
   */
  retryAfterSeconds?: number;
}

/** What a 503 suggests: dependencies restart in seconds, and clients should not retry in a loop. */
export const UNAVAILABLE_RETRY_AFTER_SECONDS = 2;

/** The message of every unexpected failure: internals never reach the client. */
export const UNEXPECTED_ERROR_MESSAGE = 'internal error';

/**
 * Fastify's own request errors (`FST_ERR_CTP_BODY_TOO_LARGE`, `FST_ERR_BAD_URL`…) carry a 4xx
 * status: they are the client's mistake, reported like any malformed request.
 */
function isFrameworkClientError(error: unknown): error is Error & { statusCode: number } {
  if (!(error instanceof Error)) return false;
  const { code, statusCode } = error as { code?: unknown; statusCode?: unknown };
  return (
    typeof code === 'string' &&
    code.startsWith('FST_') &&
    typeof statusCode === 'number' &&
    statusCode >= 400 &&
    statusCode < 500
  );
}

/**
 * The gRPC code written in the body of an error the HTTP framework raised, by the HTTP status it
 * keeps (413 body too large, 414 path variable too long, 415, 431…); any other is
 * INVALID_ARGUMENT. A body over the limit is what gRPC calls RESOURCE_EXHAUSTED.
 */
const FRAMEWORK_GRPC_STATUSES: Readonly<Partial<Record<number, GrpcStatus>>> = {
  404: GrpcStatus.NOT_FOUND,
  408: GrpcStatus.DEADLINE_EXCEEDED,
  413: GrpcStatus.RESOURCE_EXHAUSTED,
  431: GrpcStatus.RESOURCE_EXHAUSTED,
};

/** What the client is told for an error of the HTTP framework with that 4xx status. */
export function frameworkWireError(httpStatus: number, message: string): WireError {
  return {
    httpStatus,
    grpcStatus: FRAMEWORK_GRPC_STATUSES[httpStatus] ?? GrpcStatus.INVALID_ARGUMENT,
    message,
    isUnexpected: false,
  };
}

/** Maps any thrown value to what the client is told. */
export function toWireError(error: unknown): WireError {
  if (error instanceof DomainError) {
    return {
      ...ERROR_STATUSES[error.code],
      message: error.message,
      isUnexpected: error.code === ErrorCode.INTERNAL,
      ...(error.code === ErrorCode.UNAVAILABLE && {
        retryAfterSeconds: UNAVAILABLE_RETRY_AFTER_SECONDS,
      }),
      ...(error instanceof RateLimitedError && { retryAfterSeconds: error.retryAfterSeconds }),
    };
  }
  if (isFrameworkClientError(error)) return frameworkWireError(error.statusCode, error.message);
  return {
    httpStatus: 500,
    grpcStatus: GrpcStatus.UNKNOWN,
    message: UNEXPECTED_ERROR_MESSAGE,
    isUnexpected: true,
  };
}

/** grpc-gateway's error body (`google.rpc.Status` in JSON). */
export interface GatewayErrorBody {
  code: GrpcStatus;
  message: string;
  details: [];
}

export function gatewayErrorBody(
  error: Pick<WireError, 'grpcStatus' | 'message'>,
): GatewayErrorBody {
  return { code: error.grpcStatus, message: error.message, details: [] };
}
