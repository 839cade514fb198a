/**
 * Access control as the composition roots assemble it: the guards of the Management API and the
 * Rooms API over the credential verifiers of the process (Resources.credentialVerifiers).
 */
import type { Logger } from 'pino';
import {
  openCodecAccess,
  type CodecAction,
  type CodecAuthorizer,
} from '../../api/management/codec-routes';
import { accessGuard, type MethodGuard } from '../../api/shared/access-control';
import { MANAGEMENT_ACCESS_RULES, ROOMS_ACCESS_RULES } from '../../api/shared/access-rules';
import { writeAuditLine, type AuditFacts } from '../../api/shared/audit-log';
import { Authenticator } from '../../api/shared/authenticate';
import type { AccessConfig } from '../../config/load';
import { PermissionDeniedError } from '../../domain/access/errors';
import { holdsRole } from '../../domain/access/grants';
import { ALL_GAMES, Role } from '../../domain/access/principal';
import type { CredentialVerifier } from '../../ports/credential-verifier';
import type { SchedulerCache } from '../../ports/scheduler-cache';
import type { SchedulerStore } from '../../ports/scheduler-store';

/** The verifiers to ask, made only when credentials are asked for. */
export type Verifiers = () => readonly CredentialVerifier[];

/**
 * The Management API's guard: credentials and roles when MAESTRO_AUTH_REQUIRED, audit lines
 * always. When off it says so once, as the API is then open to anyone who reaches it.
 */
export function managementAccessGuard(
  access: AccessConfig,
  schedulers: Pick<SchedulerStore, 'getScheduler'>,
  log: Logger,
  verifiers: Verifiers,
): MethodGuard {
  if (!access.isRequired) {
    log.warn(
      { security: 'off' },
      'management api is unauthenticated: anyone who reaches it may change any scheduler (set MAESTRO_AUTH_REQUIRED=true, docs/security.md)',
    );
  }
  return accessGuard({
    isRequired: access.isRequired,
    authenticator: new Authenticator(access.isRequired ? verifiers() : [], log),
    gameOf: async (name) => (await schedulers.getScheduler(name))?.game,
    rules: MANAGEMENT_ACCESS_RULES,
    shouldAuditWhenOff: true,
    log,
  });
}

/** The Rooms API's guard: matchmaker credentials on AllocateRoom when required, else none. */
export function roomsAccessGuard(
  access: AccessConfig,
  schedulers: SchedulerCache,
  log: Logger,
  verifiers: Verifiers,
): MethodGuard | undefined {
  if (!access.isMatchmakerRequired) return undefined;
  return accessGuard({
    isRequired: true,
    authenticator: new Authenticator(verifiers(), log),
    gameOf: async (name) => (await schedulers.get(name))?.game,
    rules: ROOMS_ACCESS_RULES,
    shouldAuditWhenOff: false,
    log,
  });
}

/**
 * The role the codec endpoint needs on every game: payloads are any game's scheduler definitions
 * (decoding one is reading it), and a payload sealed with maestro's key is one its workers trust.
 */
const CODEC_ROLES: Record<CodecAction, Role> = { decode: Role.VIEWER, encode: Role.ADMIN };

/**
 * The codec endpoint's access control: open when MAESTRO_AUTH_REQUIRED is off (like the rest of
 * the API), else a credential holding `viewer` (decode) or `admin` (encode) on every game. Each
 * call gets an audit line, as decoding reveals what the definitions hold.
 */
export function codecAuthorizer(
  access: AccessConfig,
  log: Logger,
  verifiers: Verifiers,
): CodecAuthorizer {
  if (!access.isRequired) return openCodecAccess;
  const authenticator = new Authenticator(verifiers(), log);
  return async (authorization, { action, peer }) => {
    const facts: AuditFacts = { rpc: `Codec${action === 'decode' ? 'Decode' : 'Encode'}`, peer };
    try {
      facts.principal = await authenticator.authenticate(authorization);
      const role = CODEC_ROLES[action];
      if (!holdsRole(facts.principal.grants, role, ALL_GAMES)) {
        throw new PermissionDeniedError(role, ALL_GAMES, `codec ${action}`);
      }
    } catch (error) {
      writeAuditLine(log, facts, { isDecided: false, error });
      throw error;
    }
    writeAuditLine(log, facts, { isDecided: true });
  };
}
