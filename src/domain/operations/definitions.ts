import { z } from 'zod';

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

const schedulerInput = z.object({ scheduler: z.record(z.string(), z.unknown()) });

/**
 * Each definition's input, in the JSON shape Maestro returns as the operation's `input`
 * (`rooms_ids`, `took_action` keep their snake_case).
 */
export const operationInputSchemas = {
  [OperationName.CREATE_SCHEDULER]: schedulerInput,
  [OperationName.CREATE_NEW_SCHEDULER_VERSION]: schedulerInput,
  [OperationName.SWITCH_ACTIVE_VERSION]: z.object({ newActiveVersion: z.string().min(1) }),
  [OperationName.DELETE_SCHEDULER]: z.object({}),
  [OperationName.ADD_ROOMS]: z.object({ amount: z.number().int().min(1) }),
  [OperationName.REMOVE_ROOMS]: z.object({
    amount: z.number().int().min(0),
    rooms_ids: z.array(z.string()).nullable(),
    reason: z.string(),
  }),
  [OperationName.HEALTH_CONTROLLER]: z.object({ took_action: z.boolean().optional() }),
} as const;

export type OperationInput<N extends OperationName> = z.infer<(typeof operationInputSchemas)[N]>;

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

export const isOperationName = (name: string): name is OperationName =>
  (Object.values(OperationName) as string[]).includes(name);
