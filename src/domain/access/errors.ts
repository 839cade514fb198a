import { DomainError, ErrorCode } from '../errors';
import type { Role } from './principal';

/**
 * The caller did not prove who it is: no credential, a malformed one, or one that failed
 * verification. The message says which, never a secret nor whether a key id exists.
 */
export class AuthenticationError extends DomainError {
  constructor(reason: string, options?: { cause?: unknown }) {
    super(ErrorCode.UNAUTHENTICATED, `unauthenticated: ${reason}`, options);
  }
}

/** The caller is known and may see the game, but lacks the role the call needs on it. */
export class PermissionDeniedError extends DomainError {
  constructor(
    readonly role: Role,
    readonly game: string,
    readonly rpc: string,
  ) {
    super(
      ErrorCode.PERMISSION_DENIED,
      `permission denied: ${rpc} needs role ${role} on game ${game === '' ? '""' : game}`,
    );
  }
}
