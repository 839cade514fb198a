import type { Principal } from '../domain/access/principal';

/**
 * Turns a bearer credential (the part after `Bearer ` in `authorization`) into the principal it
 * proves, for one kind of credential (API keys, OpenID Connect tokens). Access control asks each
 * verifier in turn.
 */
export interface CredentialVerifier {
  /** True when `token` has this verifier's shape (an API key's prefix, a JWT's three parts). */
  recognizes(token: string): boolean;
  /**
   * The principal `token` proves. Throws a DomainError UNAUTHENTICATED whose message tells the
   * caller what is wrong (expired, revoked, wrong audience…) without revealing any secret or
   * whether a given key id exists; throws DependencyUnavailableError when the store or the
   * identity provider cannot answer (the call is then 503, never 401).
   */
  verify(token: string): Promise<Principal>;
}
