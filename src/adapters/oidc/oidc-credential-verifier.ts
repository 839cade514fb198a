/**
 * OpenID Connect bearer tokens (JWTs) verified with `jose`: the signature against the identity
 * provider's JWKS (fetched, cached, and fetched again for an unknown `kid`, which is how a key
 * rotation arrives), the issuer, the audience, an algorithm allowlist and the expiry with a small
 * clock tolerance. The principal's grants come from one claim of `role:game` strings.
 */
import { createHash } from 'node:crypto';
import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload } from 'jose';
import type { OidcConfig } from '../../config/access';
import { AuthenticationError } from '../../domain/access/errors';
import { parseGrant } from '../../domain/access/grants';
import { CredentialKind, type Grant, type Principal } from '../../domain/access/principal';
import { Dependency, DependencyUnavailableError } from '../../domain/errors';
import type { CredentialVerifier } from '../../ports/credential-verifier';

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

const CLAIM_REASONS: Readonly<Record<string, string>> = {
  iss: 'token was issued by another issuer',
  aud: 'token is meant for another audience',
  nbf: 'token is not valid yet',
  iat: 'token issue time is invalid',
  sub: 'token has no subject (sub)',
};

/** A verifier for one identity provider. */
export class OidcCredentialVerifier implements CredentialVerifier {
  private readonly jwks: ReturnType<typeof createRemoteJWKSet>;

  constructor(private readonly config: OidcConfig) {
    this.jwks = createRemoteJWKSet(new URL(config.jwksUrl), {
      cooldownDuration: config.jwksCooldownMs,
      cacheMaxAge: config.jwksCacheMaxAgeMs,
    });
  }

  recognizes(token: string): boolean {
    return JWT_SHAPE.test(token);
  }

  async verify(token: string): Promise<Principal> {
    const payload = await this.verifiedPayload(token);
    if (typeof payload.sub !== 'string' || payload.sub === '') {
      throw new AuthenticationError(CLAIM_REASONS['sub']!);
    }
    return {
      subject: payload.sub,
      credentialId: credentialIdOf(payload, token),
      kind: CredentialKind.OIDC,
      grants: grantsOf(claimAt(payload, this.config.rolesClaim)),
    };
  }

  private async verifiedPayload(token: string): Promise<JWTPayload> {
    try {
      const { payload } = await jwtVerify(token, this.jwks, {
        issuer: this.config.issuer,
        audience: this.config.audience,
        algorithms: [...this.config.algorithms],
        clockTolerance: this.config.clockToleranceSeconds,
        requiredClaims: ['exp', 'sub'],
      });
      return payload;
    } catch (error) {
      throw this.failureOf(error);
    }
  }

  /** A token's fault is 401 with its reason; the identity provider's is 503. */
  private failureOf(error: unknown): Error {
    const reason = tokenFailureReason(error);
    if (reason !== undefined) return new AuthenticationError(reason, { cause: error });
    return new DependencyUnavailableError(
      Dependency.IDENTITY_PROVIDER,
      `identity provider ${this.config.issuer} is unavailable: its JWKS could not be fetched`,
      { cause: error },
    );
  }
}

/** What is wrong with the token, or undefined when the failure is not the token's. */
export function tokenFailureReason(error: unknown): string | undefined {
  if (error instanceof errors.JWTExpired) return 'token has expired';
  if (error instanceof errors.JWTClaimValidationFailed) {
    return CLAIM_REASONS[error.claim] ?? `token claim ${error.claim} is invalid`;
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'token signature is invalid';
  if (error instanceof errors.JWKSNoMatchingKey) {
    return 'token is signed with a key the identity provider does not publish (kid)';
  }
  if (error instanceof errors.JWKSMultipleMatchingKeys) return 'token key id (kid) is ambiguous';
  if (error instanceof errors.JOSEAlgNotAllowed) return 'token algorithm is not allowed';
  if (
    error instanceof errors.JWTInvalid ||
    error instanceof errors.JWSInvalid ||
    error instanceof errors.JOSENotSupported ||
    error instanceof errors.JWKInvalid
  ) {
    return 'token is malformed';
  }
  return undefined;
}

/** The claim at a dotted path (`realm_access.roles`). */
function claimAt(payload: JWTPayload, path: string): unknown {
  let value: unknown = payload;
  for (const key of path.split('.')) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** The grants of a claim: an array of `role:game` strings (or one space-separated string). */
export function grantsOf(claim: unknown): Grant[] {
  const items = typeof claim === 'string' ? claim.split(' ') : Array.isArray(claim) ? claim : [];
  return items
    .map((item) => (typeof item === 'string' ? parseGrant(item) : undefined))
    .filter((grant): grant is Grant => grant !== undefined);
}

/** The issuer and `jti`, or a hash of the token when it has none: never the token itself. */
function credentialIdOf(payload: JWTPayload, token: string): string {
  if (typeof payload.jti === 'string' && payload.jti !== '') return `${payload.iss}#${payload.jti}`;
  const digest = createHash('sha256').update(token).digest('hex').slice(0, 16);
  return `${payload.iss}#sha256:${digest}`;
}
