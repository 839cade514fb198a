/**
 * From an `authorization` value to the principal it proves: the bearer credential is handed to
 * the first verifier that recognizes its shape. Every failure is UNAUTHENTICATED with a reason the
 * caller can act on, except an identity provider or key store that cannot answer (503).
 */
import type { Logger } from 'pino';
import { AuthenticationError } from '../../domain/access/errors';
import type { Principal } from '../../domain/access/principal';
import { subjectProblem } from '../../domain/access/subject';
import { DomainError } from '../../domain/errors';
import type { CredentialVerifier } from '../../ports/credential-verifier';
import { SEVERAL_AUTHORIZATIONS, singleAuthorization, type Authorization } from './authorization';

const BEARER = /^bearer +(\S+) *$/i;

/** What a caller is told when it sent no credential at all. */
export const MISSING_CREDENTIAL =
  'missing credential: send `authorization: Bearer <API key or OpenID Connect token>`';

/** The bearer credential of an `authorization` value; throws AuthenticationError otherwise. */
export function bearerCredential(sent: Authorization): string {
  const authorization = singleAuthorization(
    sent,
    () => new AuthenticationError(SEVERAL_AUTHORIZATIONS),
  );
  if (authorization === undefined || authorization.trim() === '') {
    throw new AuthenticationError(MISSING_CREDENTIAL);
  }
  const credential = BEARER.exec(authorization)?.[1];
  if (credential === undefined) {
    throw new AuthenticationError('malformed authorization: expected `Bearer <credential>`');
  }
  return credential;
}

/** Asks the verifiers in turn; never lets an unanticipated verifier failure become a 500. */
export class Authenticator {
  constructor(
    private readonly verifiers: readonly CredentialVerifier[],
    private readonly log: Logger,
  ) {}

  async authenticate(authorization: Authorization): Promise<Principal> {
    const credential = bearerCredential(authorization);
    const verifier = this.verifiers.find((candidate) => candidate.recognizes(credential));
    if (!verifier) {
      throw new AuthenticationError(
        'unrecognized credential: neither an API key nor a JSON Web Token (header.payload.signature)',
      );
    }
    let principal: Principal;
    try {
      principal = await verifier.verify(credential);
    } catch (error) {
      if (error instanceof DomainError) throw error;
      this.log.error({ err: error }, 'credential verification failed unexpectedly');
      throw new AuthenticationError('credential could not be verified', { cause: error });
    }
    // Subjects go into audit lines and operations: printable, bounded, and none may pass for
    // maestro's own `maestro:system`.
    const problem = subjectProblem(principal.subject);
    if (problem) throw new AuthenticationError(`credential subject ${problem}`);
    return principal;
  }
}
