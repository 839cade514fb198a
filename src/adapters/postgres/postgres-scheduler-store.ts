import { DatabaseError } from 'pg';
import type { Pool, PoolClient, QueryResult, QueryResultRow } from 'pg';
import { DomainError, ErrorCode } from '../../domain/errors';
import type { Scheduler, SchedulerState } from '../../domain/scheduler/scheduler';
import { SchedulerValidationError, validateScheduler } from '../../domain/scheduler/validation';
import type {
  SchedulerFilter,
  SchedulerStore,
  SchedulerVersionSummary,
} from '../../ports/scheduler-store';
import { postgresCall } from './postgres-errors';

const UNIQUE_VIOLATION = '23505';
const FOREIGN_KEY_VIOLATION = '23503';

interface SchedulerRow {
  name: string;
  game: string;
  state: string;
  last_downscale_at: Date | null;
  created_at: Date;
  version: string;
  definition: Record<string, unknown>;
  rollback_version: string | null;
  version_created_at: Date;
}

const SELECT_SCHEDULER = `
  SELECT s.name, s.game, s.state, s.last_downscale_at, s.created_at,
         v.version, v.definition, v.rollback_version, v.created_at AS version_created_at
  FROM schedulers s JOIN scheduler_versions v ON v.scheduler_name = s.name`;

const notFound = (name: string) =>
  new DomainError(ErrorCode.NOT_FOUND, `scheduler ${name} not found`);
const versionNotFound = (name: string, version: string) =>
  new DomainError(ErrorCode.NOT_FOUND, `version ${version} of scheduler ${name} not found`);

/**
 * PostgreSQL text cannot hold U+0000 (it refuses the whole query): no row has such a key, so a
 * lookup by one finds nothing without asking, and a write of one is refused as the caller's mistake.
 */
const isStorable = (...values: (string | null | undefined)[]): boolean =>
  values.every((value) => !value?.includes('\u0000'));

const isViolation = (error: unknown, code: string): error is DatabaseError =>
  error instanceof DatabaseError && error.code === code;

/** What a version row holds: everything but what belongs to the scheduler or to the row itself. */
function definitionOf(scheduler: Scheduler): string {
  const valid = validateScheduler(scheduler);
  const {
    name: _name,
    game: _game,
    state: _state,
    createdAt: _createdAt,
    lastDownscaleAt: _lastDownscaleAt,
    rollbackVersion: _rollbackVersion,
    ...definition
  } = valid;
  return JSON.stringify(definition);
}

/** Rows are validated on the way out, so definitions stored by older code read with defaults. */
function toScheduler(row: SchedulerRow, createdAt: Date): Scheduler {
  try {
    return validateScheduler({
      ...row.definition,
      name: row.name,
      game: row.game,
      state: row.state,
      rollbackVersion: row.rollback_version ?? undefined,
      createdAt: createdAt.toISOString(),
      lastDownscaleAt: row.last_downscale_at?.toISOString(),
    });
  } catch (error) {
    if (!(error instanceof SchedulerValidationError)) throw error;
    const message = `stored version ${row.version} of scheduler ${row.name} is invalid: ${error.message}`;
    throw new DomainError(ErrorCode.INTERNAL, message, { cause: error });
  }
}

/**
 * Schedulers in PostgreSQL: one row per scheduler, one row per version (jsonb definition). An
 * outage fails with PostgresUnavailableError (UNAVAILABLE); a create is one transaction, so a
 * scheduler is stored whole or not at all.
 */
export class PostgresSchedulerStore implements SchedulerStore {
  constructor(private readonly pool: Pool) {}

  async createScheduler(scheduler: Scheduler): Promise<Scheduler> {
    const definition = definitionOf(scheduler);
    try {
      return await this.transaction(async (client) => {
        await client.query(
          `INSERT INTO schedulers (name, game, state, active_version, last_downscale_at)
           VALUES ($1, $2, $3, $4, $5)`,
          [
            scheduler.name,
            scheduler.game,
            scheduler.state,
            scheduler.spec.version,
            scheduler.lastDownscaleAt ?? null,
          ],
        );
        await this.insertVersion(client, scheduler, definition);
        const { rows } = await client.query<SchedulerRow>(
          `${SELECT_SCHEDULER} AND v.version = s.active_version WHERE s.name = $1`,
          [scheduler.name],
        );
        return toScheduler(rows[0]!, rows[0]!.created_at);
      });
    } catch (error) {
      if (!isViolation(error, UNIQUE_VIOLATION)) throw error;
      throw new DomainError(
        ErrorCode.ALREADY_EXISTS,
        `scheduler ${scheduler.name} already exists`,
        {
          cause: error,
        },
      );
    }
  }

  async getScheduler(name: string): Promise<Scheduler | undefined> {
    if (!isStorable(name)) return undefined;
    const { rows } = await this.query<SchedulerRow>(
      `${SELECT_SCHEDULER} AND v.version = s.active_version WHERE s.name = $1`,
      [name],
    );
    return rows[0] && toScheduler(rows[0], rows[0].created_at);
  }

  async getSchedulerVersion(name: string, version: string): Promise<Scheduler | undefined> {
    if (!isStorable(name, version)) return undefined;
    const { rows } = await this.query<SchedulerRow>(
      `${SELECT_SCHEDULER} WHERE s.name = $1 AND v.version = $2`,
      [name, version],
    );
    return rows[0] && toScheduler(rows[0], rows[0].version_created_at);
  }

  async listSchedulers(filter: SchedulerFilter = {}): Promise<Scheduler[]> {
    if (!isStorable(filter.name, filter.game, filter.version)) return [];
    const { rows } = await this.query<SchedulerRow>(
      `${SELECT_SCHEDULER} AND v.version = s.active_version
       WHERE ($1::text IS NULL OR s.name = $1) AND ($2::text IS NULL OR s.game = $2)
         AND ($3::text IS NULL OR s.active_version = $3)
       ORDER BY s.name`,
      [filter.name || null, filter.game || null, filter.version || null],
    );
    return rows.map((row) => toScheduler(row, row.created_at));
  }

  async listVersions(name: string): Promise<SchedulerVersionSummary[]> {
    if (!isStorable(name)) return [];
    const { rows } = await this.query<{
      version: string;
      created_at: Date;
      is_active: boolean;
    }>(
      `SELECT v.version, v.created_at, v.version = s.active_version AS is_active
       FROM scheduler_versions v JOIN schedulers s ON s.name = v.scheduler_name
       WHERE v.scheduler_name = $1
       ORDER BY v.created_at DESC, v.version DESC`,
      [name],
    );
    return rows.map((row) => ({
      version: row.version,
      createdAt: row.created_at.toISOString(),
      isActive: row.is_active,
    }));
  }

  async createVersion(scheduler: Scheduler): Promise<void> {
    const { name, spec } = scheduler;
    const definition = definitionOf(scheduler);
    try {
      const isInserted = await postgresCall(() =>
        this.insertVersion(this.pool, scheduler, definition),
      );
      if (isInserted) return;
    } catch (error) {
      if (isViolation(error, FOREIGN_KEY_VIOLATION)) throw notFound(name);
      throw error;
    }
    const { rows } = await this.query<{ same: boolean }>(
      `SELECT definition = $3::jsonb AS same FROM scheduler_versions
       WHERE scheduler_name = $1 AND version = $2`,
      [name, spec.version, definition],
    );
    if (!rows[0]) throw notFound(name); // deleted since the insert found the version
    if (rows[0].same) return;
    throw new DomainError(
      ErrorCode.CONFLICT,
      `version ${spec.version} of scheduler ${name} already exists with a different definition`,
    );
  }

  async switchActiveVersion(name: string, version: string): Promise<void> {
    if (!isStorable(name)) throw notFound(name);
    if (!isStorable(version)) throw versionNotFound(name, version);
    const { rowCount } = await this.query(
      `UPDATE schedulers SET active_version = $2, updated_at = now()
       WHERE name = $1
         AND EXISTS (SELECT 1 FROM scheduler_versions WHERE scheduler_name = $1 AND version = $2)`,
      [name, version],
    );
    if (rowCount) return;
    if (!(await this.exists(name))) throw notFound(name);
    throw versionNotFound(name, version);
  }

  async updateState(name: string, state: SchedulerState): Promise<void> {
    await this.updateScheduler(name, 'state = $2', state);
  }

  async setLastDownscaleAt(name: string, at: string): Promise<void> {
    await this.updateScheduler(name, 'last_downscale_at = $2::timestamptz', at);
  }

  async deleteScheduler(name: string): Promise<void> {
    if (!isStorable(name)) return;
    await this.query('DELETE FROM schedulers WHERE name = $1', [name]);
  }

  /** Inserts a version row unless that version exists; true when it inserted. */
  private async insertVersion(
    db: Pool | PoolClient,
    scheduler: Scheduler,
    definition: string,
  ): Promise<boolean> {
    const { rowCount } = await db.query(
      `INSERT INTO scheduler_versions (scheduler_name, version, definition, rollback_version)
       VALUES ($1, $2, $3::jsonb, $4)
       ON CONFLICT (scheduler_name, version) DO NOTHING`,
      [scheduler.name, scheduler.spec.version, definition, scheduler.rollbackVersion ?? null],
    );
    return rowCount === 1;
  }

  private async updateScheduler(name: string, assignment: string, value: string): Promise<void> {
    if (!isStorable(name)) throw notFound(name);
    const { rowCount } = await this.query(
      `UPDATE schedulers SET ${assignment}, updated_at = now() WHERE name = $1`,
      [name, value],
    );
    if (!rowCount) throw notFound(name);
  }

  private async exists(name: string): Promise<boolean> {
    if (!isStorable(name)) return false;
    const { rowCount } = await this.query('SELECT 1 FROM schedulers WHERE name = $1', [name]);
    return rowCount === 1;
  }

  private query<R extends QueryResultRow = QueryResultRow>(
    text: string,
    values?: unknown[],
  ): Promise<QueryResult<R>> {
    return postgresCall(() => this.pool.query<R>(text, values));
  }

  private transaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    return postgresCall(() => this.inTransaction(work));
  }

  private async inTransaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    // A checked-out client has no listener of the pool's: a connection the server closes
    // between two queries (a fast shutdown) would crash the process with an unhandled 'error'.
    const onError = (error: Error) => (broken = error);
    client.on('error', onError);
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
      throw error;
    } finally {
      client.off('error', onError);
      client.release(broken);
    }
  }
}
