import { create } from '@bufbuild/protobuf';
import { InProcessRateLimiter } from '../../src/adapters/rate-limit/in-process-rate-limiter';
import { toWireError } from '../../src/api/shared/error-mapping';
import {
  peerAddress,
  rateLimitCaller,
  withRateLimits,
} from '../../src/api/shared/rate-limited-methods';
import type { BoundMethod, CallContext } from '../../src/api/shared/unary-service';
import { CredentialKind } from '../../src/domain/access/principal';
import {
  gcraDecide,
  RateLimitClass,
  RateLimitedError,
  type RateLimit,
} from '../../src/domain/access/rate-limit';
import { GetSchedulerRequestSchema, SchedulersService } from '../../src/gen/api/v1/schedulers_pb';

const TEN_PER_MINUTE_BURST_3: RateLimit = { perMinute: 10, burst: 3 };

describe('gcraDecide', () => {
  it('allows a burst at once, then one call per emission interval', () => {
    let tat: number | undefined;
    const allowed: boolean[] = [];
    for (let call = 0; call < 4; call += 1) {
      const result = gcraDecide(tat, 0, TEN_PER_MINUTE_BURST_3);
      tat = result.tatMs;
      allowed.push(result.decision.isAllowed);
    }
    expect(allowed).toEqual([true, true, true, false]);
    expect(gcraDecide(tat, 5_999, TEN_PER_MINUTE_BURST_3).decision).toEqual({
      isAllowed: false,
      retryAfterMs: 1,
    });
    expect(gcraDecide(tat, 6_000, TEN_PER_MINUTE_BURST_3).decision).toEqual({ isAllowed: true });
  });

  it('keeps the state unchanged when it refuses, so refused calls cost nothing', () => {
    const full = gcraDecide(18_000, 0, TEN_PER_MINUTE_BURST_3);
    expect(full).toEqual({ decision: { isAllowed: false, retryAfterMs: 6_000 }, tatMs: 18_000 });
  });

  it('refills the whole burst after a long pause, never more', () => {
    const afterPause = gcraDecide(18_000, 1_000_000, TEN_PER_MINUTE_BURST_3);
    expect(afterPause.tatMs).toBe(1_006_000);
  });
});

describe('InProcessRateLimiter', () => {
  it('counts each key apart on an injected clock', async () => {
    let now = 0;
    const limiter = new InProcessRateLimiter(() => now);
    const limit = { perMinute: 60, burst: 1 };
    expect(await limiter.take('a', limit)).toEqual({ isAllowed: true });
    expect(await limiter.take('a', limit)).toEqual({ isAllowed: false, retryAfterMs: 1_000 });
    expect(await limiter.take('b', limit)).toEqual({ isAllowed: true });
    now = 1_000;
    expect(await limiter.take('a', limit)).toEqual({ isAllowed: true });
  });
});

describe('withRateLimits', () => {
  const getScheduler: BoundMethod = {
    service: SchedulersService,
    method: SchedulersService.method.getScheduler,
    invoke: () => Promise.resolve(create(GetSchedulerRequestSchema)),
  };
  const principal = (credentialId: string): CallContext => ({
    principal: { subject: 's', credentialId, kind: CredentialKind.API_KEY, grants: [] },
    peer: '10.0.0.1',
  });
  const limited = (classOf: () => RateLimitClass | undefined) => {
    const policy = {
      limiter: new InProcessRateLimiter(() => 0),
      limits: { [RateLimitClass.MUTATIONS]: { perMinute: 1, burst: 1 } },
    };
    const [rpc] = withRateLimits([getScheduler], policy, classOf);
    return (context: CallContext) => rpc!.invoke(create(GetSchedulerRequestSchema), context);
  };

  it('gives each credential its own budget, whatever address it calls from', async () => {
    const invoke = limited(() => RateLimitClass.MUTATIONS);
    await invoke(principal('key-1'));
    await expect(invoke(principal('key-1'))).rejects.toThrow(RateLimitedError);
    await expect(invoke(principal('key-2'))).resolves.toBeDefined();
  });

  it('does not limit a class without a configured limit', async () => {
    const invoke = limited(() => RateLimitClass.ALLOCATIONS);
    for (let call = 0; call < 5; call += 1) await invoke(principal('key-1'));
    const unclassified = limited(() => undefined);
    for (let call = 0; call < 5; call += 1) await unclassified(principal('key-1'));
  });

  it('counts a caller without a principal by its address, port left out', () => {
    expect(rateLimitCaller({ peer: '10.0.0.7:5301' })).toBe('peer:10.0.0.7');
    expect(rateLimitCaller(principal('key-9'))).toBe('credential:key-9');
  });
});

describe('peerAddress', () => {
  it.each([
    ['10.0.0.7', '10.0.0.7'],
    ['10.0.0.7:5301', '10.0.0.7'],
    ['::1', '::1'],
    ['::ffff:127.0.0.1', '::ffff:127.0.0.1'],
    ['::1:5301', '::1'],
    ['[::1]:5301', '::1'],
    ['ipv6:[::1]:5301', '::1'],
    ['ipv4:10.0.0.7:5301', '10.0.0.7'],
  ])('reads %s as %s', (peer, address) => {
    expect(peerAddress(peer)).toBe(address);
  });
});

describe('a limited call on the wire', () => {
  it('is 429 / RESOURCE_EXHAUSTED with Retry-After in whole seconds, named as a rate limit', () => {
    const wire = toWireError(new RateLimitedError(RateLimitClass.ALLOCATIONS, 1_200));
    expect(wire).toMatchObject({
      httpStatus: 429,
      grpcStatus: 8,
      retryAfterSeconds: 2,
      message: 'rate limit exceeded for allocations: retry after 2s',
      isUnexpected: false,
    });
  });
});
