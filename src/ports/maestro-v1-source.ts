import type { MaestroV1Scheduler } from '../domain/migration/maestro-v1-import-plan';

/**
 * A Maestro v1 installation's scheduler storage, read-only: what `maestro import` copies from.
 * Reads never write to it. A database without Maestro's tables fails with FAILED_PRECONDITION;
 * connection problems fail with UNAVAILABLE.
 */
export interface MaestroV1Source {
  /** Every scheduler with all its versions (any order), ordered by name. */
  listSchedulers(): Promise<MaestroV1Scheduler[]>;
}
