import { types } from 'node:util';
import { DatabaseError } from 'pg';
import { Dependency, DependencyUnavailableError } from '../../domain/errors';

/**
 * PostgreSQL cannot answer right now: refused or reset connections, a server shutting down or
 * starting up, a pool that could not connect in time. UNAVAILABLE: the APIs answer 503 naming
 * PostgreSQL, activities retry.
 */
export class PostgresUnavailableError extends DependencyUnavailableError {
  constructor(cause: unknown) {
    const reason =
      cause instanceof Error || types.isNativeError(cause) ? describe(cause) : String(cause);
    super(Dependency.POSTGRESQL, `PostgreSQL is unavailable: ${reason}`, { cause });
  }
}

/**
 * Server replies meaning "not now": class 08 (connection exception), 53300 too many connections,
 * 57P01 admin shutdown, 57P02 crash shutdown, 57P03 cannot connect now (starting or in recovery).
 */
const OUTAGE_SQLSTATES = ['53300', '57P01', '57P02', '57P03'];

/** Socket failures reaching the server. */
const OUTAGE_ERRNOS = [
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
];

/** What node-postgres and its pool throw when a connection dies or cannot be had in time. */
const OUTAGE_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error and is not queryable',
  'Client was closed and is not queryable',
];

/**
 * True for an error meaning PostgreSQL is unreachable or refusing work for now; false for every
 * other error (a constraint violation, a syntax error, a bug), which stays as it is.
 */
export function isPostgresOutage(error: unknown): boolean {
  // isNativeError too: Node's socket errors come from another realm under jest's sandbox.
  if (!(error instanceof Error) && !types.isNativeError(error)) return false;
  if (error instanceof DatabaseError) {
    const code = error.code ?? '';
    return code.startsWith('08') || OUTAGE_SQLSTATES.includes(code);
  }
  const errno = (error as { code?: unknown }).code;
  if (typeof errno === 'string' && OUTAGE_ERRNOS.includes(errno)) return true;
  return OUTAGE_MESSAGES.some((message) => error.message.startsWith(message));
}

/** Runs a PostgreSQL call, turning an outage into {@link PostgresUnavailableError}. */
export async function postgresCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw isPostgresOutage(error) ? new PostgresUnavailableError(error) : error;
  }
}

/** Node's connection errors to several addresses (localhost) are an AggregateError with no message. */
function describe(error: Error): string {
  if (error.message) return error.message;
  const errno = (error as { code?: unknown }).code;
  return typeof errno === 'string' ? errno : error.name;
}
