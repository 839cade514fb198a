/**
 * The security slice of the APIs' own listeners: TLS (certificate, key, optional client CA for
 * mTLS, reloaded when they change) and rate limits per class of call.
 */
import type { RateLimit, RateLimitClass } from '../domain/access/rate-limit';
import type { ConfigProblem } from './problems';
import type { Environment } from './schema';
import { checkTlsMaterial } from './temporal-tls-material';

/** TLS of the Management and Rooms APIs (HTTP and gRPC). */
export interface ApiTlsConfig {
  certFile: string;
  keyFile: string;
  /** mTLS: clients must present a certificate this CA bundle signed. */
  clientCaFile?: string;
  /** How often the files are checked for a change. */
  reloadIntervalMs: number;
}

/** Each class's limit; an absent class is not limited. */
export type RateLimitsConfig = Partial<Record<RateLimitClass, RateLimit>>;

/** The APIs' TLS, undefined when no certificate is configured (plain, as Maestro). */
export function toApiTlsConfig(env: Environment): ApiTlsConfig | undefined {
  if (env.MAESTRO_TLS_CERT_FILE === '') return undefined;
  return {
    certFile: env.MAESTRO_TLS_CERT_FILE,
    keyFile: env.MAESTRO_TLS_KEY_FILE,
    ...(env.MAESTRO_TLS_CLIENT_CA_FILE !== '' && { clientCaFile: env.MAESTRO_TLS_CLIENT_CA_FILE }),
    reloadIntervalMs: env.MAESTRO_TLS_RELOAD_INTERVAL_MS,
  };
}

/**
 * Start-up checks: the certificate and key come as a pair, the client CA only with them, and
 * each file is readable PEM of its kind, the key matching the certificate.
 */
export function checkApiTls(env: Environment): ConfigProblem[] {
  const cert = env.MAESTRO_TLS_CERT_FILE;
  const key = env.MAESTRO_TLS_KEY_FILE;
  const ca = env.MAESTRO_TLS_CLIENT_CA_FILE;
  if (cert === '' && key === '') {
    return ca === ''
      ? []
      : [
          {
            variable: 'MAESTRO_TLS_CLIENT_CA_FILE',
            message: 'needs MAESTRO_TLS_CERT_FILE and MAESTRO_TLS_KEY_FILE',
          },
        ];
  }
  if (cert === '' || key === '') {
    const [missing, given] =
      cert === ''
        ? ['MAESTRO_TLS_CERT_FILE', 'MAESTRO_TLS_KEY_FILE']
        : ['MAESTRO_TLS_KEY_FILE', 'MAESTRO_TLS_CERT_FILE'];
    return [{ variable: missing, message: `is required when ${given} is set` }];
  }
  return checkTlsMaterial({
    clientCert: {
      cert: { setting: 'MAESTRO_TLS_CERT_FILE', path: cert },
      key: { setting: 'MAESTRO_TLS_KEY_FILE', path: key },
    },
    ...(ca !== '' && { serverCa: { setting: 'MAESTRO_TLS_CLIENT_CA_FILE', path: ca } }),
  });
}

/** The configured limits: a class is limited when its per-minute rate is above 0. */
export function toRateLimitsConfig(env: Environment): RateLimitsConfig {
  const limit = (perMinute: number, burst: number) =>
    perMinute > 0 ? { perMinute, burst } : undefined;
  const mutations = limit(
    env.MAESTRO_RATE_LIMIT_MUTATIONS_PER_MINUTE,
    env.MAESTRO_RATE_LIMIT_MUTATIONS_BURST,
  );
  const allocations = limit(
    env.MAESTRO_RATE_LIMIT_ALLOCATIONS_PER_MINUTE,
    env.MAESTRO_RATE_LIMIT_ALLOCATIONS_BURST,
  );
  return { ...(mutations && { mutations }), ...(allocations && { allocations }) };
}
