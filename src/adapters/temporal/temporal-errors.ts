import { status as grpcStatus } from '@grpc/grpc-js';
import { isGrpcDeadlineError, isGrpcServiceError } from '@temporalio/client';
import { Dependency, DependencyUnavailableError } from '../../domain/errors';

/**
 * The Temporal server could not be reached, or did not answer before the call's deadline
 * (MAESTRO_TEMPORAL_CALL_TIMEOUT_MS). UNAVAILABLE: the APIs answer 503 naming Temporal.
 */
export class TemporalUnavailableError extends DependencyUnavailableError {
  constructor(message: string, cause: unknown) {
    super(Dependency.TEMPORAL, `Temporal is unavailable: ${message}`, { cause });
  }
}

/** gRPC codes of a server that is down, restarting or overloaded (the SDK retried them already). */
const OUTAGE_CODES: readonly number[] = [grpcStatus.UNAVAILABLE, grpcStatus.RESOURCE_EXHAUSTED];

/** The gRPC status somewhere in the error's cause chain (the SDK wraps it in a ServiceError). */
function grpcCodeOf(error: unknown): number | undefined {
  for (let cause = error; cause instanceof Error; cause = cause.cause) {
    if (isGrpcServiceError(cause)) return cause.code;
  }
  return undefined;
}

/** True for a deadline that passed or a server that cannot be reached. */
export function isTemporalOutage(error: unknown): boolean {
  const code = grpcCodeOf(error);
  return isGrpcDeadlineError(error) || (code !== undefined && OUTAGE_CODES.includes(code));
}

export interface TemporalCall {
  /** What the call does, for the message: `reading operation <id>`. */
  action: string;
  timeoutMs: number;
  /**
   * A write whose outcome is unknown when it times out; the message says so, and says why a
   * retry is safe (or how to check first).
   */
  unknownOutcome?: string;
}

/** The error a timed-out or refused call becomes; other errors stay as they are. */
export function toTemporalError(error: unknown, call: TemporalCall): unknown {
  if (!isTemporalOutage(error)) return error;
  const seconds = call.timeoutMs / 1000;
  const reason = isGrpcDeadlineError(error)
    ? `no answer within ${seconds} s while ${call.action}`
    : `${call.action} failed: ${error instanceof Error ? error.message : String(error)}`;
  const outcome = call.unknownOutcome ? `; ${call.unknownOutcome}` : '';
  return new TemporalUnavailableError(`${reason}${outcome}; retry`, error);
}
