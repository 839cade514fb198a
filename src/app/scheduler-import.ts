import { SYSTEM_ACTOR } from '../domain/operations/actor';
import { OperationName } from '../domain/operations/definitions';
import {
  compareWithStored,
  planSchedulerImport,
  type ImportPlanOptions,
  type MaestroV1Scheduler,
  type SchedulerImportPlan,
  type StoredScheduler,
} from '../domain/migration/maestro-v1-import-plan';
import { SchedulerState } from '../domain/scheduler/scheduler';
import type { MaestroV1Source } from '../ports/maestro-v1-source';
import type { OperationQueue } from '../ports/operation-queue';
import type { SchedulerStore } from '../ports/scheduler-store';
import { derivedOperationId } from './operation-ids';

/** What happened to one Maestro v1 scheduler. */
export const ImportOutcome = {
  /** Stored here now (or, in a dry run, would be). */
  IMPORTED: 'imported',
  /** Already here with the same versions and active version. */
  UNCHANGED: 'unchanged',
  /** Here with other versions; replaced because `replace` was asked. */
  REPLACED: 'replaced',
  /** Here with other versions; left as it is. */
  DIFFERS: 'differs',
  /** A definition breaks our rules; nothing stored. */
  INVALID: 'invalid',
  /** Reading or writing it failed. */
  FAILED: 'failed',
} as const;
export type ImportOutcome = (typeof ImportOutcome)[keyof typeof ImportOutcome];

/** Outcomes that mean the scheduler here matches Maestro's. */
export const SUCCESSFUL_OUTCOMES: readonly ImportOutcome[] = [
  ImportOutcome.IMPORTED,
  ImportOutcome.UNCHANGED,
  ImportOutcome.REPLACED,
];

export interface SchedulerImportResult {
  name: string;
  outcome: ImportOutcome;
  /** The versions imported (or planned), oldest first. */
  versions: string[];
  activeVersion?: string;
  /** Why, in words: each invalid field and rule, each difference, skipped versions. */
  details: string[];
  /** The `create_scheduler` operation queued by `activate`. */
  operationId?: string;
}

export interface ImportOptions extends ImportPlanOptions {
  /** Plan and report only; write nothing. */
  dryRun: boolean;
  /** Replace a scheduler stored here with other versions, while it is not activated. */
  replace: boolean;
  /** Queue `create_scheduler` for each scheduler here still `creating` (needs `operations`). */
  activate: boolean;
}

export interface SchedulerImportDeps {
  source: MaestroV1Source;
  schedulers: SchedulerStore;
  /** Only for `activate`. */
  operations?: OperationQueue;
}

/** --replace never deletes a scheduler maestro already runs (its rooms, its workflow). */
const ACTIVATED_NOT_REPLACED =
  'not replaced: maestro already manages this scheduler (activated); change it through the Management API';

type ImportablePlan = Extract<SchedulerImportPlan, { isImportable: true }>;

/**
 * `maestro import`: copies Maestro v1's schedulers into our store with the same versions, in
 * their order, and the same active version. It writes through the `SchedulerStore` port rather
 * than the scheduler commands (docs/migrating-from-maestro.md says why): those number versions
 * themselves and roll rooms out, while an import must keep Maestro's version numbers and touch no
 * room. Every version still passes `validateScheduler`. Idempotent: a scheduler already imported
 * is `unchanged`, an import cut short is completed, and a scheduler that differs is left alone
 * unless `replace` is set.
 */
export class SchedulerImport {
  constructor(private readonly deps: SchedulerImportDeps) {}

  async run(options: ImportOptions): Promise<SchedulerImportResult[]> {
    const sources = await this.deps.source.listSchedulers();
    const results: SchedulerImportResult[] = [];
    for (const source of sources) results.push(await this.importOne(source, options));
    return results;
  }

  private async importOne(
    source: MaestroV1Scheduler,
    options: ImportOptions,
  ): Promise<SchedulerImportResult> {
    const plan = planSchedulerImport(source, options);
    if (!plan.isImportable) {
      const details = plan.rejectedVersions.flatMap(({ version, problems }) =>
        problems.map((problem) => `version ${version}: ${problem}`),
      );
      return {
        name: plan.name,
        outcome: ImportOutcome.INVALID,
        versions: [],
        details: [plan.reason, ...details],
      };
    }
    try {
      const result = await this.apply(plan, options);
      if (!options.activate || options.dryRun || !SUCCESSFUL_OUTCOMES.includes(result.outcome))
        return result;
      return { ...result, operationId: await this.activate(plan) };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return { ...summary(plan, ImportOutcome.FAILED), details: [message] };
    }
  }

  private async apply(plan: ImportablePlan, options: ImportOptions) {
    const stored = await this.readStored(plan.name);
    const comparison = compareWithStored(plan, stored);
    const skipped = plan.skippedVersions.map(
      ({ version, problems }) => `version ${version} left out: ${problems.join('; ')}`,
    );
    const write = (work: () => Promise<void>) => (options.dryRun ? Promise.resolve() : work());
    switch (comparison.kind) {
      case 'unchanged':
        return { ...summary(plan, ImportOutcome.UNCHANGED), details: skipped };
      case 'new':
        await write(() => this.store(plan));
        return { ...summary(plan, ImportOutcome.IMPORTED), details: skipped };
      case 'incomplete':
        await write(() => this.complete(plan));
        return {
          ...summary(plan, ImportOutcome.IMPORTED),
          details: [completion(comparison.missingVersions, plan.activeVersion), ...skipped],
        };
      case 'differs':
        if (!options.replace || stored?.state !== SchedulerState.CREATING) {
          const kept = options.replace ? [ACTIVATED_NOT_REPLACED] : [];
          return {
            ...summary(plan, ImportOutcome.DIFFERS),
            details: [...comparison.differences, ...kept],
          };
        }
        await write(async () => {
          await this.deps.schedulers.deleteScheduler(plan.name);
          await this.store(plan);
        });
        return {
          ...summary(plan, ImportOutcome.REPLACED),
          details: [...comparison.differences, ...skipped],
        };
    }
  }

  private async readStored(name: string): Promise<StoredScheduler | undefined> {
    const { schedulers } = this.deps;
    const active = await schedulers.getScheduler(name);
    if (!active) return undefined;
    const summaries = await schedulers.listVersions(name);
    const versions = await Promise.all(
      summaries.map(({ version }) => schedulers.getSchedulerVersion(name, version)),
    );
    return {
      state: active.state,
      activeVersion: active.spec.version,
      versions: versions.filter((version) => version !== undefined),
    };
  }

  /** The first version creates the scheduler (state `creating`); the others follow in order. */
  private async store(plan: ImportablePlan): Promise<void> {
    const [first] = plan.versions;
    if (first) await this.deps.schedulers.createScheduler(first);
    await this.complete(plan);
  }

  /** Idempotent: versions already stored with the same definition are kept. */
  private async complete(plan: ImportablePlan): Promise<void> {
    for (const version of plan.versions) await this.deps.schedulers.createVersion(version);
    await this.deps.schedulers.switchActiveVersion(plan.name, plan.activeVersion);
  }

  /**
   * Queues `create_scheduler` (runtime space, state `in-sync`, the scheduler's workflow and so its
   * health controller) once per stored scheduler: the id derives from its creation time.
   */
  private async activate(plan: ImportablePlan): Promise<string | undefined> {
    const { operations, schedulers } = this.deps;
    if (!operations) throw new Error('activation needs the operation queue (Temporal)');
    const stored = await schedulers.getScheduler(plan.name);
    if (!stored || stored.state !== SchedulerState.CREATING) return undefined;
    const operationId = derivedOperationId(
      OperationName.CREATE_SCHEDULER,
      stored.name,
      stored.createdAt ?? '',
    );
    return operations.enqueue(
      stored.name,
      OperationName.CREATE_SCHEDULER,
      { scheduler: stored },
      { operationId, actor: SYSTEM_ACTOR },
    );
  }
}

/** An earlier import of a scheduler not yet activated, brought up to date. */
function completion(missingVersions: readonly string[], activeVersion: string): string {
  const added = missingVersions.length > 0 ? `added ${missingVersions.join(', ')}; ` : '';
  return `${added}active ${activeVersion}: completes an earlier import (the scheduler is still creating here)`;
}

function summary(plan: ImportablePlan, outcome: ImportOutcome): SchedulerImportResult {
  return {
    name: plan.name,
    outcome,
    versions: plan.versions.map((version) => version.spec.version),
    activeVersion: plan.activeVersion,
    details: [],
  };
}
