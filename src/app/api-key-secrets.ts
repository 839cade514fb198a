import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { formatApiKey, type ApiKeyParts } from '../domain/access/api-key';

/**
 * Why a fast hash is right here: a password needs a slow hash (scrypt, argon2) because people pick
 * guessable ones, so a stolen hash can be brute-forced one guess at a time. An API key's secret is
 * 256 random bits: no dictionary helps, and 2^256 guesses stay out of reach however fast each one
 * is. A slow hash would only cost every request its work factor. SHA-256 makes a stolen table
 * useless as credentials; with a pepper (a server-side secret kept outside the database), HMAC-
 * SHA-256 also stops anyone holding only a database dump from even checking a leaked key.
 */
export const HashScheme = {
  SHA256: 'sha256',
  HMAC_SHA256: 'hmac-sha256',
} as const;
export type HashScheme = (typeof HashScheme)[keyof typeof HashScheme];

/** A new key: what the holder gets once, and what is stored. */
export interface NewApiKey extends ApiKeyParts {
  /** `mk_<id>_<secret>`: shown once, never stored. */
  readonly key: string;
  readonly secretHash: string;
}

/** A fresh key id (64 random bits, hex) and secret (256 random bits, base64url), hashed. */
export function generateApiKey(pepper: string): NewApiKey {
  const id = randomBytes(8).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  return { id, secret, key: formatApiKey({ id, secret }), secretHash: hashSecret(secret, pepper) };
}

/** `hmac-sha256:<digest>` when a pepper is configured, else `sha256:<digest>` (base64url). */
export function hashSecret(secret: string, pepper: string): string {
  const scheme = pepper === '' ? HashScheme.SHA256 : HashScheme.HMAC_SHA256;
  return `${scheme}:${digest(scheme, secret, pepper)!.toString('base64url')}`;
}

/**
 * True when `secret` hashes to `secretHash`, compared in constant time. A key stored before a
 * pepper was configured (`sha256:`) still verifies; a peppered one (`hmac-sha256:`) never does
 * without the pepper, nor does an unknown scheme.
 */
export function isSecretOf(secret: string, secretHash: string, pepper: string): boolean {
  const separator = secretHash.indexOf(':');
  const scheme = secretHash.slice(0, separator);
  const expected = Buffer.from(secretHash.slice(separator + 1), 'base64url');
  const actual = digest(scheme, secret, pepper);
  return (
    actual !== undefined && actual.length === expected.length && timingSafeEqual(actual, expected)
  );
}

function digest(scheme: string, secret: string, pepper: string): Buffer | undefined {
  if (scheme === HashScheme.SHA256) return createHash('sha256').update(secret).digest();
  if (scheme === HashScheme.HMAC_SHA256 && pepper !== '') {
    return createHmac('sha256', pepper).update(secret).digest();
  }
  return undefined;
}
