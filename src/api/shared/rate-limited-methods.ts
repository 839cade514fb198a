/**
 * Rate limits on RPCs, applied once over the bound methods so that HTTP and gRPC share them: a
 * limited class of call costs one unit of its caller's budget before the implementation runs.
 */
import { isIP } from 'node:net';
import type { DescMethod } from '@bufbuild/protobuf';
import {
  RateLimitedError,
  type RateLimit,
  type RateLimitClass,
} from '../../domain/access/rate-limit';
import type { RateLimiter } from '../../ports/rate-limiter';
import type { BoundMethod, CallContext } from './unary-service';

/** Which calls are limited and how much. */
export interface RateLimitPolicy {
  limiter: RateLimiter;
  /** Each class's limit; a class without one is not limited. */
  limits: Partial<Record<RateLimitClass, RateLimit>>;
}

/** The class of an RPC, or undefined when it is never limited. */
export type RateLimitClassifier = (method: DescMethod) => RateLimitClass | undefined;

/**
 * The address of a call's peer without its port: `10.0.0.7` for HTTP's `10.0.0.7` and gRPC's
 * `10.0.0.7:5301`, `::1` for `::1`, `[::1]:5301`, `ipv6:[::1]:5301` or gRPC's `::1:5301` (gRPC
 * writes IPv6 peers unbracketed, so a trailing `:<digits>` after an address is read as the port:
 * IPv6 callers differing only in their last group share a budget).
 */
export function peerAddress(peer: string): string {
  const bare = peer.replace(/^ipv[46]:/, '');
  const bracketed = /^\[([^\]]+)\]/.exec(bare);
  if (bracketed?.[1]) return bracketed[1];
  const withoutPort = /^(.+):\d{1,5}$/.exec(bare)?.[1];
  if (withoutPort !== undefined && isIP(withoutPort) !== 0) return withoutPort;
  return bare;
}

/**
 * Whom a call is counted against: its authenticated credential, else its peer's address (every
 * client behind one proxy or NAT then shares a budget).
 */
export function rateLimitCaller(context: CallContext): string {
  if (context.principal) return `credential:${context.principal.credentialId}`;
  return `peer:${peerAddress(context.peer ?? 'unknown')}`;
}

/**
 * `methods` with the policy's limits in front: a call over its caller's budget fails with
 * {@link RateLimitedError} (429 + Retry-After, gRPC RESOURCE_EXHAUSTED + `retry-after` trailer)
 * without running. Must run after access control has set `context.principal`.
 */
export function withRateLimits(
  methods: readonly BoundMethod[],
  policy: RateLimitPolicy | undefined,
  classOf: RateLimitClassifier,
): BoundMethod[] {
  if (!policy) return [...methods];
  return methods.map((rpc) => {
    const limitClass = classOf(rpc.method);
    const limit = limitClass === undefined ? undefined : policy.limits[limitClass];
    if (limitClass === undefined || !limit) return rpc;
    return {
      ...rpc,
      invoke: async (request, context) => {
        const key = `${limitClass}:${rateLimitCaller(context)}`;
        const decision = await policy.limiter.take(key, limit);
        if (!decision.isAllowed) throw new RateLimitedError(limitClass, decision.retryAfterMs);
        return rpc.invoke(request, context);
      },
    };
  });
}
