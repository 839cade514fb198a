import type { Scheduler, SchedulerState } from '../domain/scheduler/scheduler';

/** Exact-match filters of `listSchedulers`; absent or empty filters match everything. */
export interface SchedulerFilter {
  name?: string;
  game?: string;
  /** Matches the active version only. */
  version?: string;
}

/** One version of a scheduler, for GET /schedulers/{name}/versions. */
export interface SchedulerVersionSummary {
  version: string;
  /** ISO timestamp of the version's creation. */
  createdAt: string;
  isActive: boolean;
}

/**
 * Source of truth for scheduler definitions and their versions. A scheduler has one active
 * version; `name`, `game`, `state` and `lastDownscaleAt` belong to the scheduler, everything else
 * to a version. Every read returns a validated, normalised `Scheduler` (defaults applied).
 * Failures are `DomainError`s; connection problems propagate as they are.
 */
export interface SchedulerStore {
  /**
   * Stores a new scheduler and its first version (`scheduler.spec.version`, made active) in one
   * transaction, and returns it as stored (with `createdAt`). Concurrent creations of one name:
   * exactly one succeeds, the others fail with ALREADY_EXISTS.
   */
  createScheduler(scheduler: Scheduler): Promise<Scheduler>;

  /** The active version of the scheduler, or `undefined` when there is no such scheduler. */
  getScheduler(name: string): Promise<Scheduler | undefined>;

  /**
   * One version of the scheduler (`createdAt` is the version's creation), or `undefined` when the
   * scheduler or the version does not exist.
   */
  getSchedulerVersion(name: string, version: string): Promise<Scheduler | undefined>;

  /** Active versions of the schedulers matching every given filter, ordered by name. */
  listSchedulers(filter?: SchedulerFilter): Promise<Scheduler[]>;

  /** Every version of the scheduler, newest first; empty when the scheduler does not exist. */
  listVersions(name: string): Promise<SchedulerVersionSummary[]>;

  /**
   * Stores `scheduler` as version `scheduler.spec.version` of `scheduler.name` (not active yet;
   * `rollbackVersion` is kept with it). Idempotent: storing the same definition again succeeds;
   * a different definition under an existing version number fails with CONFLICT. NOT_FOUND when
   * the scheduler does not exist. The scheduler's `game` is not changed.
   */
  createVersion(scheduler: Scheduler): Promise<void>;

  /** Makes `version` the active one. NOT_FOUND when the scheduler or the version does not exist. */
  switchActiveVersion(name: string, version: string): Promise<void>;

  /** NOT_FOUND when the scheduler does not exist. */
  updateState(name: string, state: SchedulerState): Promise<void>;

  /** Records an autoscaler downscale (ISO timestamp). NOT_FOUND when the scheduler does not exist. */
  setLastDownscaleAt(name: string, at: string): Promise<void>;

  /** Deletes the scheduler and all its versions; deleting a missing scheduler succeeds. */
  deleteScheduler(name: string): Promise<void>;
}
