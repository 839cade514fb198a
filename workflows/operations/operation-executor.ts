import type { OperationActor } from '../../src/domain/operations/actor';
import type { OperationInput, OperationName } from '../../src/domain/operations/definitions';

/** What an operation's steps may do to their operation besides calling activities. */
export interface OperationContext {
  schedulerName: string;
  operationId: string;
  /** Who asked for the operation (absent on operations queued before it was recorded). */
  actor?: OperationActor;
  /** Appends a line to the execution history users see. */
  record: (event: string) => void;
  /** Merges into the input users see (Maestro shows e.g. `took_action` there). */
  setInput: (patch: Record<string, unknown>) => void;
  /** The run changed nothing: it is left out of the final listing. */
  markNoAction: () => void;
}

/**
 * The steps of operation definition `N`: `execute`, and `rollback` after a failure or a
 * cancellation. Both receive the input already checked against the definition's schema.
 */
export interface OperationExecutor<N extends OperationName> {
  execute(context: OperationContext, input: OperationInput<N>): Promise<void>;
  rollback(context: OperationContext, input: OperationInput<N>): Promise<void>;
}
