/**
 * The closed set of failure kinds. One table (in the transports) maps each to an HTTP and a gRPC
 * status; activities turn them into Temporal `ApplicationFailure`s whose `type` is the code.
 */
export const ErrorCode = {
  INVALID_ARGUMENT: 'INVALID_ARGUMENT',
  NOT_FOUND: 'NOT_FOUND',
  ALREADY_EXISTS: 'ALREADY_EXISTS',
  FAILED_PRECONDITION: 'FAILED_PRECONDITION',
  CONFLICT: 'CONFLICT',
  RESOURCE_EXHAUSTED: 'RESOURCE_EXHAUSTED',
  UNAVAILABLE: 'UNAVAILABLE',
  /** The caller did not prove who it is (a room without its token). */
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  /** The caller is known but lacks the role the call needs. */
  PERMISSION_DENIED: 'PERMISSION_DENIED',
  INTERNAL: 'INTERNAL',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Codes that retrying cannot fix: an activity failing with one fails its operation at once. */
export const NON_RETRYABLE_ERROR_CODES: readonly ErrorCode[] = [
  ErrorCode.INVALID_ARGUMENT,
  ErrorCode.NOT_FOUND,
  ErrorCode.ALREADY_EXISTS,
  ErrorCode.FAILED_PRECONDITION,
  ErrorCode.CONFLICT,
  ErrorCode.RESOURCE_EXHAUSTED,
  ErrorCode.UNAUTHENTICATED,
  ErrorCode.PERMISSION_DENIED,
];

/** A failure the system anticipates, with a code saying what kind it is. */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A service maestro depends on, named as operators know it. */
export const Dependency = {
  POSTGRESQL: 'PostgreSQL',
  REDIS: 'Redis',
  TEMPORAL: 'Temporal',
  /** The OpenID Connect provider whose JWKS verifies bearer tokens. */
  IDENTITY_PROVIDER: 'identity provider',
} as const;
export type Dependency = (typeof Dependency)[keyof typeof Dependency];

/**
 * A dependency cannot answer right now (down, restarting, unreachable, or silent past the call's
 * deadline). UNAVAILABLE: the APIs answer 503 (gRPC UNAVAILABLE) with a message naming it, and
 * activities retry. Every adapter reports its outages with this class (or a subclass).
 */
export class DependencyUnavailableError extends DomainError {
  constructor(
    readonly dependency: Dependency,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(ErrorCode.UNAVAILABLE, message, options);
  }
}
