/**
 * What the Temporal UI says of an operation: a one-line summary and markdown details (the
 * workflow's user metadata). Pure, deterministic and import-safe for workflows. Built only from
 * names, versions, counts and reasons: never from container environments or other secret values.
 */
import { code, inParentheses, oneLine, prefixed } from '../markdown';
import type { OperationActor } from './actor';
import { checkOperationInput, type OperationInput, type OperationName } from './definitions';

/**
 * The scheduler's game and version as whoever queued the operation knew them (the API the stored
 * scheduler, the health controller its plan's active version). Shown to people only: nothing
 * decides anything from it.
 */
export interface SchedulerFacts {
  game?: string;
  version?: string;
}

/** An operation as its summary sees it: what its enqueue request carries. */
export interface DescribedOperation {
  id: string;
  definitionName: OperationName;
  schedulerName: string;
  /** The input as queued: checked here again, never trusted. */
  input: Record<string, unknown>;
  actor?: OperationActor;
  facts?: SchedulerFacts;
}

/** One line of the details: a label and its value (markdown-safe). */
type Field = readonly [label: string, value: string];

/** How one definition is described once its input passed its schema. */
interface Describer<N extends OperationName> {
  summary(input: OperationInput<N>, operation: DescribedOperation): string;
  fields(input: OperationInput<N>): Field[];
}

/** Rooms in a details line before the rest is only counted. */
const LISTED_ROOMS_LIMIT = 10;

/** Every definition has one: a new definition without it does not compile. */
const describers: { [N in OperationName]: Describer<N> } = {
  create_scheduler: {
    summary: (input, { schedulerName }) =>
      `create_scheduler: ${schedulerName}` +
      inParentheses(versionOf(input.scheduler), prefixed('game', gameOf(input.scheduler))),
    fields: (input) => containerFields(input.scheduler),
  },
  create_new_scheduler_version: {
    summary: (input, { schedulerName }) =>
      `create_new_scheduler_version: scheduler ${schedulerName}` +
      inParentheses(prefixed('based on', versionOf(input.scheduler))),
    fields: (input) => containerFields(input.scheduler),
  },
  switch_active_version: {
    summary: (input, { schedulerName }) =>
      `switch_active_version: ${input.newActiveVersion} → scheduler ${schedulerName}`,
    fields: (input) => [['new active version', code(input.newActiveVersion)]],
  },
  delete_scheduler: {
    summary: (_input, { schedulerName }) => `delete_scheduler: ${schedulerName}`,
    fields: () => [],
  },
  add_rooms: {
    summary: (input, { schedulerName, facts }) =>
      `add_rooms: ${rooms(input.amount)} → scheduler ${schedulerName}${inParentheses(facts?.version)}`,
    fields: (input) => [['amount', String(input.amount)]],
  },
  remove_rooms: {
    summary: (input, { schedulerName }) =>
      `remove_rooms: ${rooms(removedCount(input))} from scheduler ${schedulerName} (${input.reason})`,
    fields: (input) => [
      ['amount', String(removedCount(input))],
      ['reason', code(input.reason)],
      ...(input.rooms_ids?.length ? [['rooms', listedRooms(input.rooms_ids)] as const] : []),
    ],
  },
  health_controller: {
    summary: (_input, { schedulerName }) => `health_controller: scheduler ${schedulerName}`,
    fields: () => [],
  },
};

/**
 * The operation's one-line summary, e.g. `add_rooms: 100 rooms → scheduler arena-eu (v3.1.0)`.
 * An input that fails its schema still gets a line, saying so (the operation will end `error`).
 */
export function operationSummary(operation: DescribedOperation): string {
  const described = describe(operation);
  return oneLine(
    described
      ? described.summary
      : `${operation.definitionName}: scheduler ${operation.schedulerName} (invalid input)`,
  );
}

/**
 * The operation's details, a markdown list: its id, scheduler, game, version, who asked and the
 * key fields of its input.
 */
export function operationDetails(operation: DescribedOperation): string {
  const fields: Field[] = [
    ['operation', code(operation.id)],
    ['definition', code(operation.definitionName)],
    ['scheduler', code(operation.schedulerName)],
    ...(operation.facts?.game ? [['game', code(operation.facts.game)] as const] : []),
    ...(operation.facts?.version ? [['version', code(operation.facts.version)] as const] : []),
    ...(operation.actor ? [['asked by', actorText(operation.actor)] as const] : []),
    ...(describe(operation)?.fields ?? [['input', 'invalid (see the operation’s history)']]),
  ];
  return fields.map(([label, value]) => `- **${label}**: ${value}`).join('\n');
}

function describe(operation: DescribedOperation): { summary: string; fields: Field[] } | undefined {
  return describeAs(operation.definitionName, operation);
}

function describeAs<N extends OperationName>(
  name: N,
  operation: DescribedOperation,
): { summary: string; fields: Field[] } | undefined {
  const checked = checkOperationInput(name, operation.input);
  if (!('input' in checked)) return undefined;
  const describer: Describer<N> = describers[name];
  return {
    summary: describer.summary(checked.input, operation),
    fields: describer.fields(checked.input),
  };
}

const rooms = (count: number) => `${count} ${count === 1 ? 'room' : 'rooms'}`;

/** `remove_rooms` removes the listed rooms when it has some, else `amount` rooms. */
const removedCount = (input: OperationInput<typeof OperationName.REMOVE_ROOMS>) =>
  input.rooms_ids?.length ? input.rooms_ids.length : input.amount;

function listedRooms(ids: readonly string[]): string {
  const listed = ids.slice(0, LISTED_ROOMS_LIMIT).map(code).join(', ');
  const rest = ids.length - LISTED_ROOMS_LIMIT;
  return rest > 0 ? `${listed} and ${rest} more` : listed;
}

/** The images of a scheduler definition's containers: never their environment. */
function containerFields(scheduler: object): Field[] {
  const containers = containersOf(scheduler);
  return containers.length > 0 ? [['containers', containers.join(', ')]] : [];
}

function versionOf(scheduler: object): string | undefined {
  const spec = field(scheduler, 'spec');
  const version = spec && field(spec, 'version');
  return typeof version === 'string' && version !== '' ? version : undefined;
}

function gameOf(scheduler: object): string | undefined {
  const game = field(scheduler, 'game');
  return typeof game === 'string' && game !== '' ? game : undefined;
}

function containersOf(scheduler: object): string[] {
  const spec = field(scheduler, 'spec');
  const containers = spec && field(spec, 'containers');
  if (!Array.isArray(containers)) return [];
  return containers.flatMap((container: unknown) => {
    if (typeof container !== 'object' || container === null) return [];
    const name = field(container, 'name');
    const image = field(container, 'image');
    return typeof name === 'string' && typeof image === 'string'
      ? [`${code(name)} (${code(image)})`]
      : [];
  });
}

function field(value: object, key: string): unknown {
  return (value as Record<string, unknown>)[key];
}

function actorText(actor: OperationActor): string {
  const credential = actor.credentialId === '' ? '' : `, credential ${code(actor.credentialId)}`;
  return `${code(actor.subject)} (${actor.kind}${credential})`;
}
