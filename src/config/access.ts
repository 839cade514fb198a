/**
 * The access-control slice of the configuration: whether the APIs demand credentials, and the
 * OpenID Connect provider whose tokens they accept (all three of issuer, audience and JWKS URL, or
 * none).
 */
import type { ConfigProblem } from './problems';
import type { Environment } from './schema';

/** One identity provider whose JWTs are accepted as bearer credentials. */
export interface OidcConfig {
  issuer: string;
  audience: string;
  jwksUrl: string;
  /** Claim holding the grants, an array of `role:game` (a dotted path reaches nested claims). */
  rolesClaim: string;
  algorithms: readonly string[];
  clockToleranceSeconds: number;
  /** Least time between two JWKS fetches prompted by unknown key ids. */
  jwksCooldownMs: number;
  /** How long a fetched JWKS is used before it is fetched again. */
  jwksCacheMaxAgeMs: number;
}

/** API keys (`maestro keys`): how their secrets are hashed and how long a process trusts one. */
export interface ApiKeysConfig {
  /** HMAC key of new keys' hashes; empty: plain SHA-256. */
  pepper: string;
  /** How long a key read from PostgreSQL is trusted (0: read it every time). */
  cacheTtlMs: number;
}

export interface AccessConfig {
  /** The Management API demands a credential on every RPC. */
  isRequired: boolean;
  /** The Rooms API's AllocateRoom demands a matchmaker credential. */
  isMatchmakerRequired: boolean;
  /** API keys are always accepted where credentials are asked for. */
  apiKeys: ApiKeysConfig;
  /** Undefined: OpenID Connect tokens are not accepted. */
  oidc?: OidcConfig;
}

const OIDC_VARIABLES = [
  'MAESTRO_OIDC_ISSUER',
  'MAESTRO_OIDC_AUDIENCE',
  'MAESTRO_OIDC_JWKS_URL',
] as const;

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Why a JWKS URL is refused, or undefined: keys must not travel in clear past this machine. */
function jwksUrlProblem(value: string): string | undefined {
  if (!URL.canParse(value)) return 'must be a URL';
  const url = new URL(value);
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname)) return undefined;
  return 'must use https:// (http:// only to a loopback address)';
}

/** Rules between the access variables, each valid on its own. */
export function checkAccessSettings(env: Environment): ConfigProblem[] {
  const set = OIDC_VARIABLES.filter((name) => env[name] !== '');
  if (set.length === 0) return [];
  const problems: ConfigProblem[] = OIDC_VARIABLES.filter((name) => env[name] === '').map(
    (variable) => ({ variable, message: `is required when ${set.join(' and ')} is set` }),
  );
  const urlProblem = env.MAESTRO_OIDC_JWKS_URL && jwksUrlProblem(env.MAESTRO_OIDC_JWKS_URL);
  if (urlProblem) problems.push({ variable: 'MAESTRO_OIDC_JWKS_URL', message: urlProblem });
  return problems;
}

export function toAccessConfig(env: Environment): AccessConfig {
  return {
    isRequired: env.MAESTRO_AUTH_REQUIRED === 'true',
    isMatchmakerRequired: env.MAESTRO_MATCHMAKER_AUTH_REQUIRED === 'true',
    apiKeys: { pepper: env.MAESTRO_API_KEY_PEPPER, cacheTtlMs: env.MAESTRO_API_KEY_CACHE_TTL_MS },
    ...(env.MAESTRO_OIDC_ISSUER !== '' && {
      oidc: {
        issuer: env.MAESTRO_OIDC_ISSUER,
        audience: env.MAESTRO_OIDC_AUDIENCE,
        jwksUrl: env.MAESTRO_OIDC_JWKS_URL,
        rolesClaim: env.MAESTRO_OIDC_ROLES_CLAIM,
        algorithms: env.MAESTRO_OIDC_ALGORITHMS.split(','),
        clockToleranceSeconds: env.MAESTRO_OIDC_CLOCK_TOLERANCE_SECONDS,
        jwksCooldownMs: env.MAESTRO_OIDC_JWKS_COOLDOWN_MS,
        jwksCacheMaxAgeMs: env.MAESTRO_OIDC_JWKS_CACHE_MAX_AGE_MS,
      },
    }),
  };
}
