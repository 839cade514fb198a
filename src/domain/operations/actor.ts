/**
 * Who caused an operation, recorded on it when it is queued and shown with it (audit). Pure.
 */
import { CredentialKind, RESERVED_SUBJECT_PREFIX, type Principal } from '../access/principal';

/**
 * How the actor is known: an authenticated credential (`api_key`, `oidc`), `anonymous` (the
 * Management API with authentication off), or `system` (maestro itself: the health controller).
 */
export const ActorKind = {
  ...CredentialKind,
  ANONYMOUS: 'anonymous',
  SYSTEM: 'system',
} as const;
export type ActorKind = (typeof ActorKind)[keyof typeof ActorKind];

/** Who asked for an operation (or canceled one). Plain JSON: it travels in workflow payloads. */
export interface OperationActor {
  /** An authenticated principal's subject, or a reserved `maestro:` marker (see below). */
  readonly subject: string;
  /** The credential it used (an API key id, an OIDC issuer and token id); empty when none. */
  readonly credentialId: string;
  readonly kind: ActorKind;
}

/** A call the Management API served with authentication off. */
export const ANONYMOUS_ACTOR: OperationActor = {
  subject: `${RESERVED_SUBJECT_PREFIX}anonymous`,
  credentialId: '',
  kind: ActorKind.ANONYMOUS,
};

/** An operation maestro queued by itself (the health controller). */
export const SYSTEM_ACTOR: OperationActor = {
  subject: `${RESERVED_SUBJECT_PREFIX}system`,
  credentialId: '',
  kind: ActorKind.SYSTEM,
};

/** The actor of a call: its authenticated principal, or anonymous when there is none. */
export function actorOf(principal: Principal | undefined): OperationActor {
  if (!principal) return ANONYMOUS_ACTOR;
  return { subject: principal.subject, credentialId: principal.credentialId, kind: principal.kind };
}
