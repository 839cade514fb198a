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
 * Each definition's input, in the JSON shape Maestro returns as the operation's `input`
 * (`rooms_ids`, `took_action` keep their snake_case). A scheduler definition travels as it was
 * sent: an object here, checked against every scheduler rule by the step that uses it (an input
 * queued before a rule changed still runs).
 */
export interface OperationInputs {
  [OperationName.CREATE_SCHEDULER]: { scheduler: object };
  [OperationName.CREATE_NEW_SCHEDULER_VERSION]: { scheduler: object };
  [OperationName.SWITCH_ACTIVE_VERSION]: { newActiveVersion: string };
  [OperationName.DELETE_SCHEDULER]: Record<string, never>;
  [OperationName.ADD_ROOMS]: { amount: number };
  [OperationName.REMOVE_ROOMS]: { amount: number; rooms_ids: string[] | null; reason: string };
  [OperationName.HEALTH_CONTROLLER]: { took_action?: boolean };
}

/** The input an operation of definition `N` carries: what its executor receives. */
export type OperationInput<N extends OperationName> = OperationInputs[N];

/** A field's rule: undefined when `value` keeps it, else what is wrong. */
type FieldRule = (value: unknown) => string | undefined;

/**
 * The fields of each definition's input and their rules (an optional field's rule accepts
 * undefined; an absent field is left out of the checked input). Written
 * out rather than with zod: this module is evaluated afresh by every workflow (the workflow
 * sandbox gives each its own modules), and zod's modules and schemas cost each new operation
 * workflow ~4 ms of CPU on its critical path and memory in every cached workflow.
 */
const inputFields: {
  [N in OperationName]: { [F in keyof OperationInputs[N]]-?: FieldRule };
} = {
  [OperationName.CREATE_SCHEDULER]: { scheduler: schedulerObject },
  [OperationName.CREATE_NEW_SCHEDULER_VERSION]: { scheduler: schedulerObject },
  [OperationName.SWITCH_ACTIVE_VERSION]: { newActiveVersion: text({ min: 1 }) },
  [OperationName.DELETE_SCHEDULER]: {},
  [OperationName.ADD_ROOMS]: { amount: integer({ min: 1 }) },
  [OperationName.REMOVE_ROOMS]: {
    amount: integer({ min: 0 }),
    rooms_ids: (value) =>
      value === null || (Array.isArray(value) && value.every((id) => typeof id === 'string'))
        ? undefined
        : `expected a list of room ids or null, got ${kindOf(value)}`,
    reason: text({ min: 0 }),
  },
  [OperationName.HEALTH_CONTROLLER]: {
    took_action: (value) =>
      value === undefined || typeof value === 'boolean'
        ? undefined
        : `expected a boolean, got ${kindOf(value)}`,
  },
};

function schedulerObject(value: unknown): string | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? undefined
    : 'must be a scheduler object';
}

function text({ min }: { min: number }): FieldRule {
  return (value) => {
    if (typeof value !== 'string') return `expected a string, got ${kindOf(value)}`;
    return value.length < min ? `must not be empty` : undefined;
  };
}

function integer({ min }: { min: number }): FieldRule {
  return (value) => {
    if (typeof value !== 'number' || !Number.isInteger(value)) {
      return `expected an integer, got ${kindOf(value)}`;
    }
    return value < min ? `too small: expected an integer >=${min}, got ${value}` : undefined;
  };
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'number' && !Number.isInteger(value)) return String(value);
  return typeof value === 'undefined' ? 'nothing' : typeof value;
}

/** What is wrong with `input` for definition `N` (each problem names its field), or its fields. */
export function checkOperationInput<N extends OperationName>(
  definitionName: N,
  input: unknown,
): { input: OperationInput<N> } | { problems: string[] } {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { problems: [`input: expected an object, got ${kindOf(input)}`] };
  }
  const fields: Record<string, FieldRule> = inputFields[definitionName];
  const given = input as Record<string, unknown>;
  const problems: string[] = [];
  const checked: Record<string, unknown> = {};
  for (const [field, rule] of Object.entries(fields)) {
    const problem = rule(given[field]);
    if (problem !== undefined) problems.push(`${field}: ${problem}`);
    else if (given[field] !== undefined) checked[field] = given[field];
  }
  return problems.length > 0 ? { problems } : { input: checked as OperationInput<N> };
}

/**
 * Checks an operation's input against its definition (unknown fields are dropped). Throws
 * `INVALID_ARGUMENT` naming each wrong field and its rule.
 */
export function parseOperationInput<N extends OperationName>(
  definitionName: N,
  input: unknown,
): OperationInput<N> {
  const checked = checkOperationInput(definitionName, input);
  if ('input' in checked) return checked.input;
  throw new DomainError(
    ErrorCode.INVALID_ARGUMENT,
    `invalid input of operation ${definitionName}: ${checked.problems.join('; ')}`,
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
