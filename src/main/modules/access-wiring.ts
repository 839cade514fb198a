/**
 * Access control as the composition roots assemble it: the guards of the Management API and the
 * Rooms API over the credential verifiers of the process (Resources.credentialVerifiers).
 */
import type { Logger } from 'pino';
import { accessGuard, type MethodGuard } from '../../api/shared/access-control';
import { MANAGEMENT_ACCESS_RULES, ROOMS_ACCESS_RULES } from '../../api/shared/access-rules';
import { Authenticator } from '../../api/shared/authenticate';
import type { AccessConfig } from '../../config/load';
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
