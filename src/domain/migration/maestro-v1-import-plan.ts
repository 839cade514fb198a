/**
 * What importing one Maestro v1 scheduler means: its versions, oldest first, each checked against
 * every rule of our API, and how that compares with what is already stored here. Pure: the import
 * use case reads both sides and acts on the result.
 */
import { SchedulerState, type Scheduler } from '../scheduler/scheduler';
import { SchedulerValidationError, validateScheduler } from '../scheduler/validation';
import {
  maestroV1Definition,
  maestroV1FieldPath,
  MaestroV1YamlError,
} from './maestro-v1-definition';

/** One row of Maestro's `scheduler_versions`. */
export interface MaestroV1Version {
  version: string;
  yaml: string;
  /** Empty when none (Maestro writes `''`, not NULL). */
  rollbackVersion: string;
  /** ISO timestamp; versions are imported in this order. */
  createdAt: string;
}

/** One row of Maestro's `schedulers` with its versions. */
export interface MaestroV1Scheduler {
  name: string;
  game: string;
  /** `schedulers.version`: the active version. */
  activeVersion: string;
  /** `schedulers.yaml`: the active definition as Maestro serves it (with `LastDownscaleAt`). */
  activeYaml: string;
  versions: MaestroV1Version[];
}

/** A version that cannot be imported, with every reason (`field (YAML key): rule`). */
export interface RejectedVersion {
  version: string;
  problems: string[];
}

export type SchedulerImportPlan =
  | {
      isImportable: true;
      name: string;
      /** Validated, oldest first; each is stored as its own version. */
      versions: Scheduler[];
      activeVersion: string;
      /** Invalid versions left out (only with `skipInvalidVersions`). */
      skippedVersions: RejectedVersion[];
    }
  | { isImportable: false; name: string; reason: string; rejectedVersions: RejectedVersion[] };

export interface ImportPlanOptions {
  /** Import a scheduler whose older versions are invalid, without them (the active must be valid). */
  skipInvalidVersions: boolean;
}

/** The scheduler's versions in Maestro's order; the active one from `schedulers` when it has no row. */
function orderedVersions(source: MaestroV1Scheduler): MaestroV1Version[] {
  const versions = [...source.versions].sort(
    (a, b) => a.createdAt.localeCompare(b.createdAt) || a.version.localeCompare(b.version),
  );
  if (versions.some((row) => row.version === source.activeVersion)) return versions;
  const createdAt = versions.at(-1)?.createdAt ?? '';
  return [
    ...versions,
    { version: source.activeVersion, yaml: source.activeYaml, rollbackVersion: '', createdAt },
  ];
}

function problemLines(error: unknown): string[] {
  if (error instanceof MaestroV1YamlError) return [`yaml: ${error.message}`];
  if (!(error instanceof SchedulerValidationError)) throw error;
  return error.problems.map(
    ({ field, message }) => `${field} (Maestro: ${maestroV1FieldPath(field)}): ${message}`,
  );
}

/** One version as our scheduler (state `creating`), or the problems that keep it out. */
function importVersion(
  source: MaestroV1Scheduler,
  row: MaestroV1Version,
  lastDownscaleAt: unknown,
): Scheduler | RejectedVersion {
  try {
    const definition = maestroV1Definition(row.yaml);
    return validateScheduler({
      ...definition,
      name: source.name,
      game: source.game,
      state: SchedulerState.CREATING,
      spec: { ...(definition['spec'] as object), version: row.version },
      rollbackVersion: row.rollbackVersion === '' ? undefined : row.rollbackVersion,
      lastDownscaleAt,
    });
  } catch (error) {
    return { version: row.version, problems: problemLines(error) };
  }
}

/** `LastDownscaleAt` is written to `schedulers.yaml` only; unreadable there, it is dropped. */
function lastDownscaleOf(source: MaestroV1Scheduler): unknown {
  try {
    return maestroV1Definition(source.activeYaml)['lastDownscaleAt'];
  } catch (error) {
    if (error instanceof MaestroV1YamlError) return undefined;
    throw error;
  }
}

/** Validates every version of `source`; decides whether the scheduler can be imported. */
export function planSchedulerImport(
  source: MaestroV1Scheduler,
  options: ImportPlanOptions,
): SchedulerImportPlan {
  const lastDownscaleAt = lastDownscaleOf(source);
  const results = orderedVersions(source).map((row) => importVersion(source, row, lastDownscaleAt));
  const versions = results.filter((result): result is Scheduler => 'spec' in result);
  const rejected = results.filter((result): result is RejectedVersion => 'problems' in result);
  const { name, activeVersion } = source;
  const isActiveValid = versions.some((version) => version.spec.version === activeVersion);
  if (rejected.length > 0 && !(options.skipInvalidVersions && isActiveValid)) {
    const reason = isActiveValid
      ? `${rejected.length} of its ${results.length} versions are invalid (--skip-invalid-versions imports the others)`
      : `its active version ${activeVersion} is invalid`;
    return { isImportable: false, name, reason, rejectedVersions: rejected };
  }
  return { isImportable: true, name, versions, activeVersion, skippedVersions: rejected };
}

/** A scheduler as it is stored here: every version and which one is active. */
export interface StoredScheduler {
  state: string;
  activeVersion: string;
  versions: Scheduler[];
}

export type ImportComparison =
  | { kind: 'new' }
  | { kind: 'unchanged' }
  /** An earlier import stopped part-way: what is stored is a prefix of the plan. */
  | { kind: 'incomplete'; missingVersions: string[] }
  | { kind: 'differs'; differences: string[] };

/** What defines a version: everything but what the store or the system adds. */
function definitionKey(scheduler: Scheduler): string {
  const { createdAt: _c, state: _s, lastDownscaleAt: _l, ...definition } = scheduler;
  return JSON.stringify(definition, (_key, value: unknown) =>
    value && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b)))
      : value,
  );
}

/** How the planned versions compare with the stored ones, each difference in words. */
export function compareWithStored(
  plan: Extract<SchedulerImportPlan, { isImportable: true }>,
  stored: StoredScheduler | undefined,
): ImportComparison {
  if (!stored) return { kind: 'new' };
  const planned = new Map(plan.versions.map((version) => [version.spec.version, version]));
  const here = new Map(stored.versions.map((version) => [version.spec.version, version]));
  const differences = [
    ...[...here.keys()]
      .filter((version) => !planned.has(version))
      .map((version) => `version ${version} exists only here`),
    ...[...here.entries()]
      .filter(([version, scheduler]) => {
        const theirs = planned.get(version);
        return theirs !== undefined && definitionKey(theirs) !== definitionKey(scheduler);
      })
      .map(([version]) => `version ${version} has a different definition here`),
  ];
  const missingVersions = [...planned.keys()].filter((version) => !here.has(version));
  const isActiveSame = stored.activeVersion === plan.activeVersion;
  if (differences.length === 0 && missingVersions.length === 0 && isActiveSame)
    return { kind: 'unchanged' };
  if (differences.length === 0 && stored.state === SchedulerState.CREATING)
    return { kind: 'incomplete', missingVersions };
  if (missingVersions.length > 0)
    differences.push(`version(s) ${missingVersions.join(', ')} exist only in Maestro`);
  if (!isActiveSame)
    differences.push(
      `the active version is ${stored.activeVersion} here, ${plan.activeVersion} in Maestro`,
    );
  return { kind: 'differs', differences };
}
