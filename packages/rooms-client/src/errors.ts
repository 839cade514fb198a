/** gRPC status codes (google.rpc.Code) the Rooms API answers with, by name. */
export const RoomsErrorCode = {
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  UNAUTHENTICATED: 16,
} as const;
export type RoomsErrorCode = (typeof RoomsErrorCode)[keyof typeof RoomsErrorCode];

/** Which wire a call went over. */
export type RoomsTransportKind = 'http' | 'grpc';

/**
 * The Rooms API answered with an error: over HTTP a non-2xx status with grpc-gateway's body
 * `{code, message, details}`, over gRPC a status code and message. `code` is the gRPC code either
 * way (over HTTP read from the body, or the one grpc-gateway maps the HTTP status from).
 */
export class RoomsApiError extends Error {
  override readonly name = 'RoomsApiError';
  readonly transport: RoomsTransportKind;
  /** The gRPC status code. */
  readonly code: number;
  /** The HTTP status (HTTP transport only). */
  readonly httpStatus?: number;
  /** Seconds, from `Retry-After` (HTTP header or gRPC trailer): the server asks to try later. */
  readonly retryAfterSeconds?: number;

  constructor(fields: {
    transport: RoomsTransportKind;
    code: number;
    message: string;
    httpStatus?: number;
    retryAfterSeconds?: number;
  }) {
    super(fields.message);
    this.transport = fields.transport;
    this.code = fields.code;
    if (fields.httpStatus !== undefined) this.httpStatus = fields.httpStatus;
    if (fields.retryAfterSeconds !== undefined) this.retryAfterSeconds = fields.retryAfterSeconds;
  }

  /** The room's token is missing or wrong (room authentication), or the matchmaker's credential. */
  get isUnauthenticated(): boolean {
    return this.code === RoomsErrorCode.UNAUTHENTICATED;
  }

  get isNotFound(): boolean {
    return this.code === RoomsErrorCode.NOT_FOUND;
  }

  /** Refused over a rate limit, before anything was done: it may be repeated after `retryAfterSeconds`. */
  get isRateLimited(): boolean {
    return this.code === RoomsErrorCode.RESOURCE_EXHAUSTED && this.retryAfterSeconds !== undefined;
  }

  /** AllocateRoom found no ready room (RESOURCE_EXHAUSTED without `Retry-After`). */
  get isNoReadyRooms(): boolean {
    return this.code === RoomsErrorCode.RESOURCE_EXHAUSTED && this.retryAfterSeconds === undefined;
  }

  /** A dependency of the API is down (503 / UNAVAILABLE); whether the call took effect is unknown. */
  get isUnavailable(): boolean {
    return this.code === RoomsErrorCode.UNAVAILABLE;
  }
}

/**
 * No answer came: the server could not be reached, or did not answer within the timeout. When
 * `isSent` is false the request certainly never reached the server (the connection was refused),
 * so even a call that is not idempotent may be repeated.
 */
export class RoomsConnectionError extends Error {
  override readonly name = 'RoomsConnectionError';

  constructor(
    readonly address: string,
    readonly isSent: boolean,
    readonly isTimeout: boolean,
    options: { cause: unknown },
  ) {
    super(`cannot reach the Rooms API at ${address}: ${describe(options.cause)}`, options);
  }
}

/** `message (cause's message)`, read by shape: errors of `fetch` may come from another realm. */
function describe(cause: unknown): string {
  const message = messageOf(cause) ?? String(cause);
  const inner = messageOf((cause as { cause?: unknown } | undefined)?.cause);
  return inner === undefined ? message : `${message} (${inner})`;
}

function messageOf(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const message = (value as { message?: unknown }).message;
  return typeof message === 'string' ? message : undefined;
}
