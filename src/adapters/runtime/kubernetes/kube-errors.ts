import { ApiException, type V1Status } from '@kubernetes/client-node';
import { DomainError, ErrorCode } from '../../../domain/errors';

/** What went wrong with a request to the API server, in the terms retries are decided on. */
export interface KubeFailure {
  /** HTTP status; undefined when no response came (connection refused, reset, timeout). */
  status?: number;
  /** The `reason` of the API server's Status (`NotFound`, `AlreadyExists`, `Forbidden`…). */
  reason?: string;
  message: string;
  /** 429, 5xx and network errors: the same request may well succeed later. */
  isTransient: boolean;
  /** The server's Retry-After, when it gave one. */
  retryAfterMs?: number;
}

/** A request to the API server failed for good; `code` says how the caller should see it. */
export class KubernetesError extends DomainError {
  constructor(
    readonly operation: string,
    readonly failure: KubeFailure,
    options?: { cause?: unknown },
  ) {
    super(
      codeOf(failure),
      `kubernetes: ${operation}: ${failure.status ?? 'no response'} ${failure.message}`,
      options,
    );
  }
}

const NETWORK_ERROR_NAMES = new Set(['FetchError', 'AbortError']);

/** Reads an error thrown by `@kubernetes/client-node` (or by its fetch) into a `KubeFailure`. */
export function describeFailure(error: unknown): KubeFailure {
  if (error instanceof ApiException) return apiFailure(error as ApiException<unknown>);
  const status = (error as { statusCode?: unknown } | undefined)?.statusCode;
  const message = error instanceof Error ? error.message : String(error);
  if (typeof status === 'number')
    return { status, message, isTransient: isTransientStatus(status) };
  const name = error instanceof Error ? error.name : '';
  return { message, isTransient: NETWORK_ERROR_NAMES.has(name) };
}

/** A Status object as the API server sends it (in error bodies and watch ERROR events). */
export function statusFailure(status: V1Status): KubeFailure {
  const code = status.code;
  return {
    status: code,
    reason: status.reason,
    message: status.message ?? status.reason ?? 'unknown error',
    isTransient: code === undefined || isTransientStatus(code),
  };
}

function apiFailure(error: ApiException<unknown>): KubeFailure {
  const status = parseStatus(error.body);
  const retryAfterSeconds = Number(error.headers?.['retry-after'] ?? Number.NaN);
  return {
    status: error.code,
    reason: status?.reason,
    message:
      status?.message ?? (typeof error.body === 'string' ? error.body : `HTTP ${error.code}`),
    isTransient: isTransientStatus(error.code),
    ...(Number.isFinite(retryAfterSeconds) && { retryAfterMs: retryAfterSeconds * 1000 }),
  };
}

/**
 * A pod refused because its namespace has no `default` service account yet: a new namespace
 * lacks one until the controller-manager creates it, a moment later.
 */
export function isMissingServiceAccount(failure: KubeFailure): boolean {
  return failure.status === 403 && /service ?account .* not found/i.test(failure.message);
}

function parseStatus(body: unknown): V1Status | undefined {
  if (typeof body === 'object' && body !== null) return body;
  if (typeof body !== 'string') return undefined;
  try {
    return JSON.parse(body) as V1Status;
  } catch {
    return undefined;
  }
}

function isTransientStatus(status: number): boolean {
  return status === 429 || (status >= 500 && status !== 501);
}

function codeOf(failure: KubeFailure): ErrorCode {
  if (failure.isTransient) return ErrorCode.UNAVAILABLE;
  switch (failure.status) {
    case 400:
    case 422:
      return ErrorCode.INVALID_ARGUMENT;
    case 404:
      return ErrorCode.NOT_FOUND;
    case 409:
      return failure.reason === 'AlreadyExists' ? ErrorCode.ALREADY_EXISTS : ErrorCode.CONFLICT;
    case 401:
    case 403:
      return ErrorCode.FAILED_PRECONDITION;
    default:
      return ErrorCode.INTERNAL;
  }
}
