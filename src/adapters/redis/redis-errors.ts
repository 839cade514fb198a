import { ReplyError } from 'ioredis';
import { Dependency, DependencyUnavailableError } from '../../domain/errors';

/**
 * Redis cannot answer right now: disconnected, a command timed out, a cluster slot has no master
 * yet (CLUSTERDOWN, TRYAGAIN, retries exhausted while a replica is promoted), a master that was
 * demoted (READONLY) or is loading. UNAVAILABLE: the APIs answer 503, activities retry.
 */
export class RedisUnavailableError extends DependencyUnavailableError {
  constructor(cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(Dependency.REDIS, `redis unavailable: ${reason}`, { cause });
  }
}

/** Replies of a server that works but cannot serve this command now. */
const TRANSIENT_REPLIES = ['CLUSTERDOWN', 'TRYAGAIN', 'MASTERDOWN', 'LOADING', 'READONLY', 'BUSY'];

/**
 * Every error ioredis raises that is not a server reply (connection closed, no offline queue,
 * timeout, retries or cluster redirections exhausted) is an outage; of the replies, only the
 * transient ones above. Anything else (a script error, a wrong type) is a bug and stays as it is.
 */
export function isRedisOutage(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (!(error instanceof (ReplyError as typeof Error))) return true;
  return TRANSIENT_REPLIES.some((prefix) => error.message.startsWith(prefix));
}

/** Runs a Redis call, turning an outage into {@link RedisUnavailableError}. */
export async function redisCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw isRedisOutage(error) ? new RedisUnavailableError(error) : error;
  }
}
