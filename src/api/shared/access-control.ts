/**
 * Access control for every RPC of an API, in one place for HTTP and gRPC alike: a wrapper over
 * the `BoundMethod[]` both transports serve. When required, it authenticates the caller, checks
 * the role the RPC needs on the scheduler's game (access-rules.ts), hides schedulers of games the
 * caller has no role on (404, exactly as an unknown scheduler), filters lists, and hands the
 * principal on in the call's context. Every call that changes something gets an audit line.
 */
import type { Message } from '@bufbuild/protobuf';
import type { Logger } from 'pino';
import { PermissionDeniedError } from '../../domain/access/errors';
import { holdsRole, knowsEveryGame, knowsGame } from '../../domain/access/grants';
import { Role, type Principal } from '../../domain/access/principal';
import { DomainError, ErrorCode } from '../../domain/errors';
import { isMutating, type AccessRule } from './access-rules';
import { writeAuditLine, type AuditFacts } from './audit-log';
import type { Authenticator } from './authenticate';
import type { BoundMethod, CallContext } from './unary-service';

export interface AccessControlOptions {
  /** Off: calls go through unauthenticated, as Maestro clients expect. */
  isRequired: boolean;
  authenticator: Authenticator;
  /** The game of a scheduler's active version; undefined when there is no such scheduler. */
  gameOf(scheduler: string): Promise<string | undefined>;
  /** Every RPC's rule, by local name (`deleteScheduler`). */
  rules: Readonly<Record<string, AccessRule>>;
  /** Audit lines are written when access control is on, and also when off if this is true. */
  shouldAuditWhenOff: boolean;
  log: Logger;
}

/** A scheduler the caller may not know of: the same answer as a scheduler that does not exist. */
class HiddenSchedulerError extends DomainError {
  constructor(
    scheduler: string,
    readonly auditReason: string,
  ) {
    super(ErrorCode.NOT_FOUND, `scheduler ${scheduler} not found`);
  }
}

type RequestFields = { name?: unknown; schedulerName?: unknown; game?: unknown };
const fieldsOf = (request: Message) => request as unknown as RequestFields;
const textOf = (value: unknown) => (typeof value === 'string' ? value : '');

/** Wraps each RPC with its rule; throws at start-up when an RPC has none. */
export function withAccessControl(
  methods: readonly BoundMethod[],
  options: AccessControlOptions,
): BoundMethod[] {
  return methods.map((rpc) => {
    const rule = options.rules[rpc.method.localName];
    if (!rule) throw new Error(`${rpc.method.name} has no access rule (access-rules.ts)`);
    if (rule.kind === 'room') return rpc;
    return {
      ...rpc,
      invoke: (request, context) => guardedCall(rpc, rule, options, request, context),
    };
  });
}

async function guardedCall(
  rpc: BoundMethod,
  rule: Exclude<AccessRule, { kind: 'room' }>,
  options: AccessControlOptions,
  request: Message,
  context: CallContext,
): Promise<Message> {
  const shouldAudit = isMutating(rule) && (options.isRequired || options.shouldAuditWhenOff);
  const facts: AuditFacts = { rpc: rpc.method.name, peer: context.peer };
  let isDecided = false;
  try {
    if (options.isRequired) {
      facts.principal = await options.authenticator.authenticate(context.authorization);
      await authorize(rule, rpc.method.name, fieldsOf(request), facts, options);
    } else if (rule.kind === 'create') {
      facts.game = textOf(fieldsOf(request).game);
    }
    isDecided = true;
    const response = await rpc.invoke(request, { ...context, principal: facts.principal });
    if (shouldAudit) writeAuditLine(options.log, facts, { isDecided });
    return rule.kind === 'list' && facts.principal
      ? readableSchedulers(response, facts.principal)
      : response;
  } catch (error) {
    const reason = error instanceof HiddenSchedulerError ? error.auditReason : undefined;
    if (shouldAudit) writeAuditLine(options.log, facts, { isDecided, error, reason });
    throw error;
  }
}

/** Throws unless the principal in `facts` may make this call; fills the scheduler and game. */
async function authorize(
  rule: Exclude<AccessRule, { kind: 'room' }>,
  rpc: string,
  request: RequestFields,
  facts: AuditFacts,
  options: AccessControlOptions,
): Promise<void> {
  const grants = facts.principal?.grants ?? [];
  switch (rule.kind) {
    case 'list':
      return;
    case 'create':
      facts.game = textOf(request.game);
      return requireRole(grants, rule.role, facts.game, rpc);
    case 'scheduler': {
      const scheduler = textOf(request[rule.field]);
      facts.scheduler = scheduler;
      const game = await options.gameOf(scheduler);
      facts.game = game;
      if (game === undefined) {
        if (knowsEveryGame(grants)) return;
        throw new HiddenSchedulerError(scheduler, 'unknown scheduler');
      }
      if (!knowsGame(grants, game)) {
        throw new HiddenSchedulerError(scheduler, `no role on game ${game}`);
      }
      requireRole(grants, rule.role, game, rpc);
      const newGame = textOf(request.game);
      if (rule.bodyGame && newGame !== '' && newGame !== game) {
        requireRole(grants, rule.role, newGame, rpc);
      }
    }
  }
}

function requireRole(grants: Principal['grants'], role: Role, game: string, rpc: string): void {
  if (!holdsRole(grants, role, game)) throw new PermissionDeniedError(role, game, rpc);
}

/** A list response (`schedulers`, each with its `game`) without the games the caller cannot read. */
function readableSchedulers(response: Message, principal: Principal): Message {
  const { schedulers } = response as unknown as { schedulers?: Array<{ game: string }> };
  if (!schedulers) return response;
  return {
    ...response,
    schedulers: schedulers.filter(({ game }) => holdsRole(principal.grants, Role.VIEWER, game)),
  } as Message;
}

/** What an API applies to its RPCs before serving them (both transports get the same ones). */
export type MethodGuard = (methods: readonly BoundMethod[]) => BoundMethod[];

/** The guard of `withAccessControl` with these options. */
export const accessGuard =
  (options: AccessControlOptions): MethodGuard =>
  (methods) =>
    withAccessControl(methods, options);
