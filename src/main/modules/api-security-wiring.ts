import type { Logger } from 'pino';
import { InProcessRateLimiter } from '../../adapters/rate-limit/in-process-rate-limiter';
import { RedisRateLimiter } from '../../adapters/redis/redis-rate-limiter';
import type { RateLimitPolicy } from '../../api/shared/rate-limited-methods';
import type { Config } from '../../config/load';
import { ApiTls } from '../infra/api-tls';
import type { Resources } from '../infra/resources';

/** The APIs' TLS when MAESTRO_TLS_CERT_FILE is set (one per API module, polling its files). */
export function apiTlsFor(config: Config, log: Logger): ApiTls | undefined {
  return config.apiTls && new ApiTls(config.apiTls, log.child({ component: 'tls' }));
}

/**
 * The configured rate limits, shared through Redis (per process while Redis is down); undefined
 * when no class is limited, so the APIs run exactly as before.
 */
export function rateLimitsFor(resources: Resources, log: Logger): RateLimitPolicy | undefined {
  const limits = resources.config.rateLimits;
  if (Object.keys(limits).length === 0) return undefined;
  const fallback = new InProcessRateLimiter();
  const limiter = new RedisRateLimiter(
    resources.redis(),
    fallback,
    log.child({ component: 'rate-limits' }),
  );
  return { limiter, limits };
}
