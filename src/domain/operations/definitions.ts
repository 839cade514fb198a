import { z } from 'zod';
import { DomainError, ErrorCode } from '../errors';

/** Operation definition names (Maestro's `definitionName`). */
export const OperationName = {
  CREATE_SCHEDULER: 'create_scheduler',
  CREATE_NEW_SCHEDULER_VERSION: 'create_new_scheduler_version',
  SWITCH_ACTIVE_VERSION: 'switch_active_version',
  DELETE_SCHEDULER: 'delete_scheduler',
  ADD_ROOMS: 'add_rooms',
  REMOVE_ROOMS: 'remove_rooms',
  HEALTH_CONTROLLER: 'health_controller',
} as const;
export type OperationName = (typeof OperationName)[keyof typeof OperationName];

/**
 * A scheduler definition travels as it was sent: an object here, checked against every scheduler
 * rule by the step that uses it (an input queued before a rule changed still runs).
 */
const schedulerInput = () =>
  z.object({
    scheduler: z.custom<object>(
      (value) => typeof value === 'object' && value !== null && !Array.isArray(value),
      'must be a scheduler object',
    ),
  });

/**
 * Each definition's input schema, in the JSON shape Maestro returns as the operation's `input`
 * (`rooms_ids`, `took_action` keep their snake_case). Built on first use (`operationInputSchema`):
 * every workflow evaluates this module afresh, and building all of them cost each new operation
 * workflow several milliseconds on its critical path.
 */
const inputSchemaBuilders = {
  [OperationName.CREATE_SCHEDULER]: schedulerInput,
  [OperationName.CREATE_NEW_SCHEDULER_VERSION]: schedulerInput,
  [OperationName.SWITCH_ACTIVE_VERSION]: () => z.object({ newActiveVersion: z.string().min(1) }),
  [OperationName.DELETE_SCHEDULER]: () => z.object({}),
  [OperationName.ADD_ROOMS]: () => z.object({ amount: z.number().int().min(1) }),
  [OperationName.REMOVE_ROOMS]: () =>
    z.object({
      amount: z.number().int().min(0),
      rooms_ids: z.array(z.string()).nullable(),
      reason: z.string(),
    }),
  [OperationName.HEALTH_CONTROLLER]: () => z.object({ took_action: z.boolean().optional() }),
} as const;

/** The input an operation of definition `N` carries: what its executor receives. */
export type OperationInput<N extends OperationName> = z.infer<
  ReturnType<(typeof inputSchemaBuilders)[N]>
>;

/** The builders seen by name: the schema of `N` parses to `OperationInput<N>`. */
const builderOf: { [N in OperationName]: () => z.ZodType<OperationInput<N>> } = inputSchemaBuilders;
const builtSchemas = new Map<OperationName, z.ZodType<unknown>>();

/** The input schema of definition `N`, built once. */
export function operationInputSchema<N extends OperationName>(
  definitionName: N,
): z.ZodType<OperationInput<N>> {
  let schema = builtSchemas.get(definitionName);
  if (!schema) {
    schema = builderOf[definitionName]();
    builtSchemas.set(definitionName, schema);
  }
  return schema as z.ZodType<OperationInput<N>>;
}

/**
 * Checks an operation's input against its definition's schema (unknown fields are dropped).
 * Throws `INVALID_ARGUMENT` naming each wrong field and its rule.
 */
export function parseOperationInput<N extends OperationName>(
  definitionName: N,
  input: unknown,
): OperationInput<N> {
  const result = operationInputSchema(definitionName).safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map(
    (issue) => `${issue.path.length > 0 ? issue.path.join('.') : 'input'}: ${issue.message}`,
  );
  throw new DomainError(
    ErrorCode.INVALID_ARGUMENT,
    `invalid input of operation ${definitionName}: ${problems.join('; ')}`,
  );
}

/** Definitions the health controller enqueues in the priority lane (Maestro's LPUSH). */
export const PRIORITY_OPERATIONS: readonly OperationName[] = [
  OperationName.ADD_ROOMS,
  OperationName.REMOVE_ROOMS,
];

/** Definitions that change a scheduler's versions; two of them may not be pending at once. */
export const VERSION_OPERATIONS: readonly OperationName[] = [
  OperationName.CREATE_NEW_SCHEDULER_VERSION,
  OperationName.SWITCH_ACTIVE_VERSION,
];

/** The first version change among `operations` (pending ones before the running one), if any. */
export const firstVersionOperation = <T extends { definitionName: string }>(
  operations: readonly T[],
): T | undefined =>
  operations.find((op) => (VERSION_OPERATIONS as readonly string[]).includes(op.definitionName));

export const isOperationName = (name: string): name is OperationName =>
  (Object.values(OperationName) as string[]).includes(name);
