/**
 * Who a call comes from once its credential is verified, and what it may do: roles granted per
 * game. Pure; the Management API and the Rooms API decide with it, operations record it.
 */

/**
 * What a grant allows. `viewer` reads, `operator` also adds/removes rooms and cancels
 * operations, `admin` also creates, patches, versions, switches and deletes schedulers (each
 * implies the ones before it). `matchmaker` only allocates rooms, and nothing implies it.
 */
export const Role = {
  VIEWER: 'viewer',
  OPERATOR: 'operator',
  ADMIN: 'admin',
  MATCHMAKER: 'matchmaker',
} as const;
export type Role = (typeof Role)[keyof typeof Role];

/** Every game, in a grant. */
export const ALL_GAMES = '*';

/** One role on one game, or on every game (`game: '*'`). Written `role:game` (`admin:*`). */
export interface Grant {
  readonly role: Role;
  readonly game: string;
}

/** How the caller proved who it is. */
export const CredentialKind = {
  API_KEY: 'api_key',
  OIDC: 'oidc',
} as const;
export type CredentialKind = (typeof CredentialKind)[keyof typeof CredentialKind];

/** An authenticated caller. */
export interface Principal {
  /** Who: an API key's subject, or an OIDC token's `sub`. */
  readonly subject: string;
  /** Which credential: an API key's id, or the token's issuer and `jti` (or hash). Never a secret. */
  readonly credentialId: string;
  readonly kind: CredentialKind;
  readonly grants: readonly Grant[];
}

/**
 * Subjects maestro itself uses (`maestro:system`, `maestro:anonymous` on operations): no
 * credential may claim one, so an audit trail cannot be forged to look like maestro's own work.
 */
export const RESERVED_SUBJECT_PREFIX = 'maestro:';

export const isReservedSubject = (subject: string): boolean =>
  subject.startsWith(RESERVED_SUBJECT_PREFIX);
