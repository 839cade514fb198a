import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** The scheduler an operation (or scheduler workflow) belongs to. */
export const schedulerNameKey = defineSearchAttributeKey(
  'MaestroScheduler',
  SearchAttributeType.KEYWORD,
);

/** An operation's definition name, as Maestro spells it (`add_rooms`, `switch_active_version`…). */
export const operationDefinitionKey = defineSearchAttributeKey(
  'MaestroOperationDefinition',
  SearchAttributeType.KEYWORD,
);

/** An operation's status (`pending`, `in_progress`, `finished`, `error`, `canceled`, `evicted`). */
export const operationStatusKey = defineSearchAttributeKey(
  'MaestroOperationStatus',
  SearchAttributeType.KEYWORD,
);

/**
 * Who asked for an operation: the subject of the caller's credential, `maestro:anonymous` with
 * authentication off, `maestro:system` for operations maestro queues itself. Absent on operations
 * queued before it was recorded. `MaestroActor = "alice"` finds what alice asked for.
 */
export const operationActorKey = defineSearchAttributeKey(
  'MaestroActor',
  SearchAttributeType.KEYWORD,
);

/**
 * Every custom search attribute the Temporal namespace must have registered before maestro starts
 * (the dev server registers them with `--search-attribute`, a cluster with
 * `temporal operator search-attribute create`).
 */
export const maestroSearchAttributes = [
  schedulerNameKey,
  operationDefinitionKey,
  operationStatusKey,
  operationActorKey,
] as const;
