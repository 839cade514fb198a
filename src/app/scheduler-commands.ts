import { DomainError, ErrorCode } from '../domain/errors';
import { ANONYMOUS_ACTOR, type OperationActor } from '../domain/operations/actor';
import { OperationName } from '../domain/operations/definitions';
import type { SchedulerFacts } from '../domain/operations/operation-summary';
import { FIRST_VERSION, SchedulerState, type Scheduler } from '../domain/scheduler/scheduler';
import {
  applySchedulerPatch,
  SchedulerUnchangedError,
  type SchedulerPatch,
} from '../domain/scheduler/patch';
import { validateScheduler } from '../domain/scheduler/validation';
import type { OperationQueue } from '../ports/operation-queue';
import type { SchedulerStore } from '../ports/scheduler-store';
import { derivedOperationId } from './operation-ids';

export interface SchedulerCommandDeps {
  schedulers: SchedulerStore;
  operations: OperationQueue;
}

/**
 * The use cases that change schedulers, shared by HTTP and gRPC: each validates, stores what must
 * be stored synchronously (a new scheduler), and enqueues the operation that does the rest,
 * recording on it the `actor` who asked (anonymous when the caller names none).
 */
export class SchedulerCommands {
  constructor(private readonly deps: SchedulerCommandDeps) {}

  /**
   * Stores the scheduler (state `creating`, version v1.0.0) and enqueues `create_scheduler`, whose
   * id is derived from the stored scheduler. When a dependency failed between the two (the
   * request answered 503), the same request again finds the scheduler stored, still `creating`
   * with the same definition and no `create_scheduler` queued, and finishes the job; a
   * scheduler being (or already) created answers ALREADY_EXISTS as in Maestro. The operation
   * records the actor of the request that queued it.
   */
  async createScheduler(
    candidate: unknown,
    actor: OperationActor = ANONYMOUS_ACTOR,
  ): Promise<Scheduler> {
    const scheduler = validateScheduler(candidate);
    const requested: Scheduler = {
      ...scheduler,
      state: SchedulerState.CREATING,
      spec: { ...scheduler.spec, version: FIRST_VERSION },
    };
    const stored = await this.storeNewScheduler(requested);
    await this.deps.operations.enqueue(
      stored.name,
      OperationName.CREATE_SCHEDULER,
      { scheduler: requested },
      { operationId: createOperationId(stored), actor, schedulerFacts: factsOf(stored) },
    );
    return stored;
  }

  /** The scheduler as stored now, or as left by an interrupted create of the same definition. */
  private async storeNewScheduler(requested: Scheduler): Promise<Scheduler> {
    try {
      return await this.deps.schedulers.createScheduler(requested);
    } catch (error) {
      if (!(error instanceof DomainError) || error.code !== ErrorCode.ALREADY_EXISTS) throw error;
      const existing = await this.deps.schedulers.getScheduler(requested.name);
      if (!existing || !(await this.isInterruptedCreate(existing, requested))) throw error;
      return existing;
    }
  }

  private async isInterruptedCreate(existing: Scheduler, requested: Scheduler): Promise<boolean> {
    if (existing.state !== SchedulerState.CREATING) return false;
    if (!isSameDefinition(existing, requested)) return false;
    const queued = await this.deps.operations.get(existing.name, createOperationId(existing));
    return queued === undefined;
  }

  /** Validates a full new definition and enqueues `create_new_scheduler_version`; returns its id. */
  async newSchedulerVersion(
    name: string,
    candidate: Record<string, unknown>,
    actor: OperationActor = ANONYMOUS_ACTOR,
  ): Promise<string> {
    const conflictCheck = inFlight(
      this.assertNoVersionOperation(name, 'cannot create new scheduler version'),
    );
    const current = await this.requireScheduler(name);
    const scheduler = validateScheduler({
      ...candidate,
      name,
      spec: { ...(candidate['spec'] as object), version: current.spec.version },
    });
    await conflictCheck();
    return this.deps.operations.enqueue(
      name,
      OperationName.CREATE_NEW_SCHEDULER_VERSION,
      { scheduler },
      { actor, schedulerFacts: factsOf(current) },
    );
  }

  /**
   * Applies a partial change to the active version and enqueues `create_new_scheduler_version`.
   * As Maestro, an ongoing version change is refused before the patch is merged and validated: the
   * active version it would be merged onto is about to be replaced.
   */
  async patchScheduler(
    name: string,
    patch: SchedulerPatch,
    actor: OperationActor = ANONYMOUS_ACTOR,
  ): Promise<string> {
    if (isEmptyPatch(patch)) throw new SchedulerUnchangedError(name);
    const read = inFlight(this.requireScheduler(name));
    await this.assertNoVersionOperation(name, 'cannot patch scheduler');
    const current = await read();
    const scheduler = applySchedulerPatch(current, patch);
    return this.deps.operations.enqueue(
      name,
      OperationName.CREATE_NEW_SCHEDULER_VERSION,
      { scheduler },
      { actor, schedulerFacts: factsOf(current) },
    );
  }

  /** Enqueues `switch_active_version` (the version's existence is checked when it runs, as Maestro does). */
  async switchActiveVersion(
    name: string,
    version: string,
    actor: OperationActor = ANONYMOUS_ACTOR,
  ): Promise<string> {
    const conflictCheck = inFlight(
      this.assertNoVersionOperation(name, 'cannot switch active version'),
    );
    const current = await this.requireScheduler(name);
    await conflictCheck();
    return this.deps.operations.enqueue(
      name,
      OperationName.SWITCH_ACTIVE_VERSION,
      { newActiveVersion: version },
      { actor, schedulerFacts: factsOf(current) },
    );
  }

  async deleteScheduler(name: string, actor: OperationActor = ANONYMOUS_ACTOR): Promise<string> {
    const current = await this.requireScheduler(name);
    return this.deps.operations.enqueue(
      name,
      OperationName.DELETE_SCHEDULER,
      {},
      { actor, schedulerFacts: factsOf(current) },
    );
  }

  private async requireScheduler(name: string): Promise<Scheduler> {
    const scheduler = await this.deps.schedulers.getScheduler(name);
    if (!scheduler) throw new DomainError(ErrorCode.NOT_FOUND, `scheduler ${name} not found`);
    return scheduler;
  }

  /**
   * Two version changes may not be queued at once (Maestro refuses with FailedPrecondition, and
   * looks at the pending operations first). `refusal` names what is refused, in Maestro's words.
   */
  private async assertNoVersionOperation(name: string, refusal: string) {
    const ongoing = await this.deps.operations.ongoingVersionOperation(name);
    if (ongoing) {
      throw new DomainError(
        ErrorCode.FAILED_PRECONDITION,
        `${refusal}: there is already an ongoing version operation (id: ${ongoing.id}) for scheduler ${name}`,
      );
    }
  }
}

/**
 * Starts a read now and returns its outcome when asked: two round trips of a command overlap, yet
 * their errors surface in the order the command asks for them (an unasked failure is never an
 * unhandled rejection).
 */
function inFlight<T>(read: Promise<T>): () => Promise<T> {
  const settled = read.then(
    (value) => ({ isOk: true as const, value }),
    (error: unknown) => ({ isOk: false as const, error }),
  );
  return async () => {
    const outcome = await settled;
    if (!outcome.isOk) throw outcome.error;
    return outcome.value;
  };
}

/** What the Temporal UI's summary of an operation says of its scheduler. */
const factsOf = (scheduler: Scheduler): SchedulerFacts => ({
  game: scheduler.game,
  version: scheduler.spec.version,
});

/** Nothing in it at all (Maestro answers 409 before anything else). */
const isEmptyPatch = (patch: SchedulerPatch) =>
  Object.values(patch).every((value) => value === undefined);

/** One id per stored scheduler: a scheduler deleted and created again gets another. */
function createOperationId(stored: Scheduler): string {
  return derivedOperationId(OperationName.CREATE_SCHEDULER, stored.name, stored.createdAt ?? '');
}

/** The definition a client sent, without what the store adds. */
function isSameDefinition(a: Scheduler, b: Scheduler): boolean {
  const definition = ({ createdAt: _c, lastDownscaleAt: _l, state: _s, ...rest }: Scheduler) =>
    canonicalJson(rest);
  return definition(a) === definition(b);
}

function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    item && typeof item === 'object' && !Array.isArray(item)
      ? Object.fromEntries(Object.entries(item).sort(([x], [y]) => x.localeCompare(y)))
      : item,
  );
}
