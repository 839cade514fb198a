/**
 * One structured log line per call that changes something, allowed or not: who asked (subject,
 * credential id), what (rpc, scheduler, game), and what came of it. Never a credential or a body.
 */
import type { Logger } from 'pino';
import type { Principal } from '../../domain/access/principal';
import { DomainError, ErrorCode } from '../../domain/errors';

/** What access control decided: `allowed` calls then succeed or fail on their own (`status`). */
export type AuditOutcome = 'allowed' | 'denied' | 'unauthenticated' | 'unavailable';

/** What is known of a call when its line is written. */
export interface AuditFacts {
  rpc: string;
  peer?: string;
  principal?: Principal;
  scheduler?: string;
  game?: string;
}

const statusOf = (error: unknown) => (error instanceof DomainError ? error.code : 'UNKNOWN');

function outcomeOf(error: unknown, isDecided: boolean): AuditOutcome {
  if (isDecided) return 'allowed';
  const code = statusOf(error);
  if (code === ErrorCode.UNAUTHENTICATED) return 'unauthenticated';
  if (code === ErrorCode.UNAVAILABLE) return 'unavailable';
  return 'denied';
}

/** Writes the audit line of one call once it is over. */
export function writeAuditLine(
  log: Logger,
  facts: AuditFacts,
  result: { isDecided: boolean; error?: unknown; reason?: string },
): void {
  const { principal } = facts;
  const hasFailed = 'error' in result;
  const outcome = hasFailed ? outcomeOf(result.error, result.isDecided) : 'allowed';
  log.info(
    {
      audit: true,
      rpc: facts.rpc,
      subject: principal?.subject ?? 'anonymous',
      credentialId: principal?.credentialId,
      kind: principal?.kind,
      game: facts.game,
      scheduler: facts.scheduler,
      peer: facts.peer,
      outcome,
      reason:
        outcome === 'allowed'
          ? undefined
          : (result.reason ?? (result.error instanceof Error ? result.error.message : undefined)),
      status: hasFailed ? statusOf(result.error) : 'OK',
    },
    'audit',
  );
}
