import type { Grant } from './principal';

/**
 * API keys of the Management API and of matchmakers: `mk_<id>_<secret>`. The id is public (it
 * names the key in `maestro keys list`, audit lines and operations); the secret is shown once at
 * creation and only its hash is stored. Pure: generating and hashing live in `src/app`.
 */

/** What every API key starts with, so a verifier recognizes one without a lookup. */
export const API_KEY_PREFIX = 'mk_';

/** A key id: 16 lowercase hex digits (64 random bits); never contains `_`. */
export const API_KEY_ID_PATTERN = /^[0-9a-f]{16}$/;

/** A key secret: 43 base64url characters, 32 random bytes (256 bits). */
export const API_KEY_SECRET_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** An API key as listed: everything but its secret and the secret's hash. */
export interface ApiKey {
  readonly id: string;
  /** Who holds the key: a team, a service, a matchmaker ("tennis-matchmaker"). */
  readonly subject: string;
  readonly grants: readonly Grant[];
  readonly createdAt: Date;
  /** Unset while the key is valid. */
  readonly revokedAt?: Date;
  /** When a request last proved this key (recorded late and in batches; unset if never). */
  readonly lastUsedAt?: Date;
  /** From then on the key proves nothing; unset: it never expires. */
  readonly expiresAt?: Date;
}

/** The parts of a presented key. */
export interface ApiKeyParts {
  readonly id: string;
  readonly secret: string;
}

/** `mk_<id>_<secret>`. */
export function formatApiKey(parts: ApiKeyParts): string {
  return `${API_KEY_PREFIX}${parts.id}_${parts.secret}`;
}

/** The id and secret of `token`, or undefined when it is not of the shape `mk_<id>_<secret>`. */
export function parseApiKey(token: string): ApiKeyParts | undefined {
  if (!token.startsWith(API_KEY_PREFIX)) return undefined;
  const rest = token.slice(API_KEY_PREFIX.length);
  const separator = rest.indexOf('_');
  if (separator < 0) return undefined;
  const id = rest.slice(0, separator);
  const secret = rest.slice(separator + 1);
  const isValid = API_KEY_ID_PATTERN.test(id) && API_KEY_SECRET_PATTERN.test(secret);
  return isValid ? { id, secret } : undefined;
}
