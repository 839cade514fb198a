import { DatabaseError, type Pool } from 'pg';
import { z } from 'zod';
import type { ApiKey } from '../../domain/access/api-key';
import { Role, type Grant } from '../../domain/access/principal';
import { DomainError, ErrorCode } from '../../domain/errors';
import type { ApiKeyStore, StoredApiKey } from '../../ports/api-key-store';
import { postgresCall } from './postgres-errors';

const UNIQUE_VIOLATION = '23505';

interface ApiKeyRow {
  id: string;
  subject: string;
  grants: unknown;
  secret_hash: string;
  created_at: Date;
  revoked_at: Date | null;
  last_used_at: Date | null;
  expires_at: Date | null;
}

const COLUMNS =
  'id, subject, grants, secret_hash, created_at, revoked_at, last_used_at, expires_at';

const grantsSchema = z.array(
  z.object({ role: z.enum(Object.values(Role)), game: z.string().min(1) }).strict(),
);

/** Keys are looked up by what callers present: an id that cannot exist is not asked for. */
const isPossibleId = (id: string): boolean => /^[0-9a-f]{16}$/.test(id);

/** {@link ApiKeyStore} on the `api_keys` table (migrations 0002-api-keys, 0003-api-key-expiry). */
export class PostgresApiKeyStore implements ApiKeyStore {
  constructor(private readonly pool: Pool) {}

  async create(
    key: Omit<StoredApiKey, 'createdAt' | 'revokedAt' | 'lastUsedAt'>,
  ): Promise<StoredApiKey> {
    try {
      const { rows } = await postgresCall(() =>
        this.pool.query<ApiKeyRow>(
          `INSERT INTO api_keys (id, subject, grants, secret_hash, expires_at)
           VALUES ($1, $2, $3, $4, $5) RETURNING ${COLUMNS}`,
          [key.id, key.subject, JSON.stringify(key.grants), key.secretHash, key.expiresAt ?? null],
        ),
      );
      return toStored(rows[0]!);
    } catch (error) {
      if (error instanceof DatabaseError && error.code === UNIQUE_VIOLATION) {
        throw new DomainError(ErrorCode.ALREADY_EXISTS, `API key id ${key.id} is taken`, {
          cause: error,
        });
      }
      throw error;
    }
  }

  async get(id: string): Promise<StoredApiKey | undefined> {
    if (!isPossibleId(id)) return undefined;
    const { rows } = await postgresCall(() =>
      this.pool.query<ApiKeyRow>(`SELECT ${COLUMNS} FROM api_keys WHERE id = $1`, [id]),
    );
    return rows[0] && toStored(rows[0]);
  }

  async list(): Promise<ApiKey[]> {
    const { rows } = await postgresCall(() =>
      this.pool.query<ApiKeyRow>(`SELECT ${COLUMNS} FROM api_keys ORDER BY created_at, id`),
    );
    return rows.map(toApiKey);
  }

  async revoke(id: string): Promise<ApiKey | undefined> {
    if (!isPossibleId(id)) return undefined;
    const { rows } = await postgresCall(() =>
      this.pool.query<ApiKeyRow>(
        `UPDATE api_keys SET revoked_at = COALESCE(revoked_at, now()) WHERE id = $1
         RETURNING ${COLUMNS}`,
        [id],
      ),
    );
    return rows[0] && toApiKey(rows[0]);
  }

  async recordUse(ids: readonly string[], at: Date): Promise<void> {
    const possible = ids.filter(isPossibleId);
    if (possible.length === 0) return;
    await postgresCall(() =>
      this.pool.query(
        `UPDATE api_keys SET last_used_at = GREATEST(COALESCE(last_used_at, $2), $2)
         WHERE id = ANY($1::text[])`,
        [possible, at],
      ),
    );
  }
}

function toApiKey(row: ApiKeyRow): ApiKey {
  return {
    id: row.id,
    subject: row.subject,
    grants: parseGrants(row),
    createdAt: row.created_at,
    ...(row.revoked_at && { revokedAt: row.revoked_at }),
    ...(row.last_used_at && { lastUsedAt: row.last_used_at }),
    ...(row.expires_at && { expiresAt: row.expires_at }),
  };
}

function toStored(row: ApiKeyRow): StoredApiKey {
  return { ...toApiKey(row), secretHash: row.secret_hash };
}

/** A row written by hand with broken grants fails loudly rather than granting anything. */
function parseGrants(row: ApiKeyRow): Grant[] {
  const parsed = grantsSchema.safeParse(row.grants);
  if (!parsed.success) {
    throw new DomainError(ErrorCode.INTERNAL, `API key ${row.id} has invalid grants in storage`);
  }
  return parsed.data;
}
