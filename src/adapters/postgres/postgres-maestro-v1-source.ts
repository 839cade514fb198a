import { DatabaseError, type Pool } from 'pg';
import { DomainError, ErrorCode } from '../../domain/errors';
import type {
  MaestroV1Scheduler,
  MaestroV1Version,
} from '../../domain/migration/maestro-v1-import-plan';
import type { MaestroV1Source } from '../../ports/maestro-v1-source';
import { postgresCall } from './postgres-errors';

const UNDEFINED_TABLE = '42P01';
const UNDEFINED_COLUMN = '42703';

interface SchedulerRow {
  name: string;
  game: string;
  version: string;
  yaml: string;
}

interface VersionRow {
  name: string;
  version: string;
  yaml: string;
  rollback_version: string;
  created_at: Date;
}

/**
 * Maestro v1's PostgreSQL (tables of its migrations 0001–0007: `schedulers` with the active
 * `version` and its `yaml`, `scheduler_versions` with every version's `yaml` and
 * `rollback_version`). Read with two plain SELECTs; nothing is written.
 */
export class PostgresMaestroV1Source implements MaestroV1Source {
  constructor(private readonly pool: Pool) {}

  async listSchedulers(): Promise<MaestroV1Scheduler[]> {
    const schedulers = await this.select<SchedulerRow>(
      `SELECT name, game, COALESCE(version, '') AS version, yaml FROM schedulers ORDER BY name`,
    );
    const versions = await this.select<VersionRow>(
      `SELECT name, version, yaml, COALESCE(rollback_version, '') AS rollback_version, created_at
       FROM scheduler_versions ORDER BY name, created_at, version`,
    );
    const byScheduler = new Map<string, VersionRow[]>();
    for (const row of versions)
      byScheduler.set(row.name, [...(byScheduler.get(row.name) ?? []), row]);
    return schedulers.map((row) => ({
      name: row.name,
      game: row.game,
      activeVersion: row.version,
      activeYaml: row.yaml,
      versions: (byScheduler.get(row.name) ?? []).map((version): MaestroV1Version => ({
        version: version.version,
        yaml: version.yaml,
        rollbackVersion: version.rollback_version,
        createdAt: version.created_at.toISOString(),
      })),
    }));
  }

  private async select<R extends object>(text: string): Promise<R[]> {
    try {
      const { rows } = await postgresCall(() => this.pool.query<R & Record<string, unknown>>(text));
      return rows;
    } catch (error) {
      if (
        error instanceof DatabaseError &&
        (error.code === UNDEFINED_TABLE || error.code === UNDEFINED_COLUMN)
      ) {
        throw new DomainError(
          ErrorCode.FAILED_PRECONDITION,
          `not a Maestro v1 database (${error.message}): expected its schedulers and scheduler_versions tables`,
          { cause: error },
        );
      }
      throw error;
    }
  }
}
