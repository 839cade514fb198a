import { DomainError, ErrorCode } from '../domain/errors';
import type { Scheduler } from '../domain/scheduler/scheduler';
import type { SchedulerStore } from '../ports/scheduler-store';

/** The schedulers service's reads, shared by HTTP and gRPC. */
export class SchedulerQueries {
  constructor(private readonly schedulers: SchedulerStore) {}

  /** The active version, or the given one. NOT_FOUND names the scheduler as Maestro does. */
  async get(name: string, version?: string): Promise<Scheduler> {
    const scheduler = version
      ? await this.schedulers.getSchedulerVersion(name, version)
      : await this.schedulers.getScheduler(name);
    if (!scheduler) throw new DomainError(ErrorCode.NOT_FOUND, `scheduler ${name} not found`);
    return scheduler;
  }

  /** Exact filters; `version` matches the active version. */
  list(filter: { name?: string; game?: string; version?: string }): Promise<Scheduler[]> {
    return this.schedulers.listSchedulers(filter);
  }

  /** Newest first; NOT_FOUND when the scheduler has none. */
  async versions(name: string) {
    const versions = await this.schedulers.listVersions(name);
    if (versions.length === 0)
      throw new DomainError(ErrorCode.NOT_FOUND, `scheduler ${name} not found`);
    return versions;
  }
}
