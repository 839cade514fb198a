import type { Scheduler as WireScheduler, SchedulerDefinition } from '@maestro/management-client';
import { toGatewayJson } from '../../api/shared/gateway-json';
import { decodeJsonMessage } from '../../api/shared/json-request';
import { fromCreateSchedulerRequest } from '../../api/shared/scheduler-request-codec';
import { toProtoScheduler } from '../../api/shared/scheduler-response-codec';
import { type Scheduler } from '../../domain/scheduler/scheduler';
import { validateScheduler } from '../../domain/scheduler/validation';
import { isEquivalent, isMajorChange, nextVersion } from '../../domain/scheduler/versioning';
import { CreateSchedulerRequestSchema } from '../../gen/api/v1/schedulers_pb';
import { SchedulerSchema } from '../../gen/api/v1/messages_pb';
import { toYaml } from './output';
import { unifiedDiff } from './text-diff';

/** What `maestro schedulers apply` will do with a definition. */
export type SchedulerPlan =
  | { action: 'create'; definition: SchedulerDefinition; diff: string }
  | { action: 'unchanged'; activeVersion: string }
  | {
      action: 'new-version';
      isMajor: boolean;
      activeVersion: string;
      nextVersion: string;
      definition: SchedulerDefinition;
      diff: string;
    };

/** The definition fields a file sets (`state`, `createdAt` and `spec.version` are the server's). */
const DEFINITION_FIELDS = [
  'name',
  'game',
  'spec',
  'portRange',
  'maxSurge',
  'roomsReplicas',
  'autoscaling',
  'forwarders',
  'annotations',
  'labels',
  'matchAllocation',
] as const;

/**
 * Compares a definition with the scheduler's active version the way the server will: both are
 * read by the API's own decoder and validated by the domain, so defaults and spellings (`"30s"`
 * or `30s`, proto or JSON names) do not count as changes; a change is major exactly when the
 * server will make it one (`isMajorChange`). Throws the API's errors for an invalid definition.
 */
export function planScheduler(
  file: unknown,
  current: WireScheduler | undefined,
  versions: readonly string[],
): SchedulerPlan {
  const candidate = readDefinition(file);
  const definition = file as SchedulerDefinition;
  if (!current) {
    return {
      action: 'create',
      definition,
      diff: unifiedDiff('', render(candidate), labels(candidate)),
    };
  }
  const active = readDefinition(current);
  const activeVersion = current.spec.version;
  if (isEquivalent(comparable(active), comparable(candidate))) {
    return { action: 'unchanged', activeVersion };
  }
  const isMajor = isMajorChange(active, candidate);
  return {
    action: 'new-version',
    isMajor,
    activeVersion,
    nextVersion: nextVersion(versions, isMajor),
    definition,
    diff: unifiedDiff(render(active), render(candidate), [
      `${active.name} ${activeVersion} (active)`,
      `${candidate.name} (file)`,
    ]),
  };
}

/** A definition as the server reads a create request, validated (all problems at once). */
function readDefinition(json: unknown): Scheduler {
  const picked = Object.fromEntries(
    Object.entries(json as Record<string, unknown>).filter(([key]) =>
      (DEFINITION_FIELDS as readonly string[]).includes(key),
    ),
  );
  return validateScheduler(
    fromCreateSchedulerRequest(decodeJsonMessage(CreateSchedulerRequestSchema, picked, 'file')),
  );
}

function comparable(scheduler: Scheduler) {
  const { state: _state, createdAt: _createdAt, rollbackVersion: _rollback, ...rest } = scheduler;
  const { version: _version, ...spec } = rest.spec;
  return { ...rest, spec };
}

/** The definition in the API's JSON (every field written), as YAML, without server fields. */
function render(scheduler: Scheduler): string {
  const json = toGatewayJson(SchedulerSchema, toProtoScheduler(scheduler)) as Record<
    string,
    unknown
  >;
  const { state: _state, createdAt: _createdAt, ...definition } = json;
  const spec = { ...(definition['spec'] as Record<string, unknown>) };
  delete spec['version'];
  return toYaml({ ...definition, spec });
}

const labels = (scheduler: Scheduler): [string, string] => [
  '(no scheduler)',
  `${scheduler.name} (file)`,
];
